// YAML file → validated, frozen Runbook, or every problem in it at once.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ensureParser } from '../sql/index.js';
import { lenientRunbook } from './lenient.js';
import type { RunbookFinding } from './findings.js';
import { lintRunbook } from './lint.js';
import { Locator, problemsFromZod, type Problem } from './problems.js';
import { runbook as runbookSchema, type RunbookData } from './schema.js';
import { readYaml } from './yaml-source.js';

export type { Problem } from './problems.js';

export interface Runbook extends RunbookData {
  /** Absolute path of the YAML file. */
  readonly file: string;
  /** Its folder: sql_file, cwd and sqlite paths are relative to it. */
  readonly dir: string;
  /** Contents of every sql_file the runbook names, read once at load time. */
  readonly sqlFiles: ReadonlyMap<string, string>;
  /** What `runbook lint` finds in the steps' SQL (locks, rewrites, …), at the newest server version; accepted ones included. */
  readonly findings?: readonly RunbookFinding[];
}

export type LoadResult = { ok: true; runbook: Runbook; problems: [] } | { ok: false; problems: Problem[] };

export interface LoadOptions {
  /** The server version findings are computed for (default: the newest supported). */
  serverVersionNum?: number;
}

export async function loadRunbook(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  // The SQL parser's WebAssembly compiles in the background while the YAML is read and checked (lint awaits it; a failure is reported there).
  ensureParser().catch(() => {});
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, expected a .yaml file' : `cannot be read (${code ?? String(err)})`;
    return { ok: false, problems: [{ file, line: 1, column: 1, message: `${why}` }] };
  }
  return parseRunbook(text, file, options);
}

/** Parses runbook text; `file` names it in problems and anchors relative paths. */
export async function parseRunbook(text: string, file: string, options: LoadOptions = {}): Promise<LoadResult> {
  const read = readYaml(text, file);
  if (!read.ok) return { ok: false, problems: read.problems };
  const { data } = read;
  const locate = new Locator(file, read.positions);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problems: [locate.at([], 'expected a mapping with runbook: 1, id, title and steps')] };
  }
  const dir = dirname(resolve(file));
  const parsed = runbookSchema.safeParse(data);
  if (!parsed.success) {
    // Report the schema's problems and, in the same go, what the semantic checks find in the rest.
    const lint = await lintRunbook(lenientRunbook(data as Record<string, unknown>), dir, locate).catch(() => ({ problems: [] as Problem[] }));
    return { ok: false, problems: sortProblems([...problemsFromZod(parsed.error.issues, data, locate), ...lint.problems]) };
  }
  const { problems, sqlFiles, findings } = await lintRunbook(parsed.data, dir, locate, options.serverVersionNum);
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };
  const rb: Runbook = { ...parsed.data, file: resolve(file), dir, sqlFiles, findings };
  return { ok: true, runbook: deepFreeze(rb), problems: [] };
}

function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = `${p.file}:${p.line}:${p.column}:${p.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : a.file < b.file ? -1 : 1));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Map) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
