// The state folder's runbook.json (settings and the index of runs), kept by
// `conf`: read fresh on every call and replaced whole, atomically, on every
// write (a crash mid-write leaves the previous file). Same folder, name and
// format as before (a tab-indented JSON object), so existing files are read
// as they are. No `schema` option is given, so conf compiles no JSON Schema
// (ajv) at start; the settings are checked by the project's zod schema
// (store.ts). Reading is JSON.parse of the file, as conf reads it; conf itself
// is loaded for the first write only: most commands' starts (validate's
// allowedDirs, list's runbookDirs) only read the settings, and should not pay
// for loading conf and its dependencies (bench/results.md, round 5).
import type Conf from 'conf';
import envPaths from 'env-paths';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { onState } from './fs-errors.js';

/** The user's config folder for runbook: ~/.config/runbook on Linux (XDG_CONFIG_HOME respected). */
export function userStateDir(): string {
  return envPaths('runbook', { suffix: '' }).config;
}

export class JsonFile<T extends object> {
  private conf: Conf<Record<string, unknown>> | undefined;

  constructor(readonly path: string) {}

  private open(): Conf<Record<string, unknown>> {
    this.conf ??= onState(
      this.path,
      'read the settings and the index of runs',
      () =>
        new (loadConf())<Record<string, unknown>>({
          cwd: dirname(this.path),
          configName: basename(this.path, '.json'),
          accessPropertiesByDotNotation: false,
          configFileMode: 0o600,
          serialize: (value) => `${JSON.stringify(value, undefined, '\t')}\n`,
          deserialize: (text) => parseObject(text, this.path),
        }),
    );
    return this.conf;
  }

  /** The file's contents; {} when it does not exist yet. Throws, naming the file, when it is not a JSON object. */
  read(): Partial<T> {
    return onState(this.path, 'read the settings and the index of runs', () => readObject(this.path)) as Partial<T>;
  }

  /** Reads, applies `change`, and writes the result back atomically. */
  update(change: (data: Partial<T>) => void): void {
    const conf = this.open();
    const data = this.read();
    change(data);
    onState(this.path, 'write the settings and the index of runs', () => {
      conf.store = data as Record<string, unknown>;
    });
  }
}

/** conf's class, required on first use (scripts/bundle.js keeps it in the bundle, initialised only then). */
function loadConf(): typeof Conf {
  return (createRequire(import.meta.url)('conf') as { default: typeof Conf }).default;
}

/** The file as conf's `store` reads it: {} when it does not exist, an object without a prototype otherwise. */
function readObject(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Object.create(null) as Record<string, unknown>;
    throw err;
  }
  return Object.assign(Object.create(null) as Record<string, unknown>, parseObject(text, path));
}

function parseObject(text: string, path: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message}); fix or remove it`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${path}: expected a JSON object; fix or remove it`);
  return data as Record<string, unknown>;
}
