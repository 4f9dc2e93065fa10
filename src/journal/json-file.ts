// The state folder's runbook.json (settings and the index of runs): one small
// JSON file, read fresh on every call and replaced whole on every write, by a
// temporary file that is fsync'ed and renamed over it, so a crash mid-write
// leaves the previous file intact. It is the file `conf` kept (same folder,
// same name, same format); conf itself is no longer loaded, because importing
// it (ajv with its JSON Schema vocabularies, semver) cost ~45 ms of every start
// for what these few lines do.
import envPaths from 'env-paths';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

/** The user's config folder for runbook: ~/.config/runbook on Linux (XDG_CONFIG_HOME respected). */
export function userStateDir(): string {
  return envPaths('runbook', { suffix: '' }).config;
}

export class JsonFile<T extends object> {
  constructor(readonly path: string) {}

  /** The file's contents; {} when it does not exist yet. Throws, naming the file, when it is not a JSON object. */
  read(): Partial<T> {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    if (text.trim() === '') return {};
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new Error(`${this.path}: not valid JSON (${(err as Error).message}); fix or remove it`);
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new Error(`${this.path}: expected a JSON object; fix or remove it`);
    return data as Partial<T>;
  }

  /** Reads, applies `change`, and writes the result back atomically. */
  update(change: (data: Partial<T>) => void): void {
    const data = this.read();
    change(data);
    const temp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(data, undefined, '\t')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
  }
}
