// YAML file → validated, frozen Runbook, or every problem in it at once.
import { dirname, resolve } from 'node:path';
import { allowedDirsSetting, LIMITS, readTextFile } from './files.js';
import { checkShape } from './limits.js';
import { ensureParser } from '../sql/index.js';
import { lenientRunbook } from './lenient.js';
import type { RunbookFinding } from './findings.js';
import { lintRunbook } from './lint.js';
import { Locator, problemsFromZod, type Problem } from './problems.js';
import { runbook as runbookSchema, type RunbookData } from './schema.js';
import { fastLocator, readYaml } from './yaml-source.js';

/** Above this size, problems are located with js-yaml's node events (yaml-source.ts fastLocator). */
const FAST_LOCATE_CHARS = 256 * 1024;

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
  /** Folders outside the runbook's tree its files may be in; default: the allowedDirs setting. */
  allowedDirs?: readonly string[];
  /** Told the runbook's id once the document passed the schema, before its SQL is read and checked (a run opens its connections then). */
  onValid?: (id: string) => void;
}

export async function loadRunbook(file: string, options: LoadOptions = {}): Promise<LoadResult> {
  // The SQL parser's WebAssembly compiles in the background while the YAML is read and checked (lint awaits it; a failure is reported there).
  ensureParser().catch(() => {});
  const path = resolve(file);
  // A runbook file is untrusted: a regular file, bounded, valid UTF-8 (runbook/files.ts).
  const read = readTextFile(path, 'runbook', LIMITS.runbookBytes);
  if (!read.ok) {
    const message = read.message.replace(`runbook: ${path} not found`, 'file not found');
    return { ok: false, problems: [{ file, line: read.line ?? 1, column: read.column ?? 1, message }] };
  }
  return parseRunbook(read.text, file, options);
}

/** Parses runbook text; `file` names it in problems and anchors relative paths. */
export async function parseRunbook(text: string, file: string, options: LoadOptions = {}): Promise<LoadResult> {
  if (text.length > LIMITS.runbookBytes) return { ok: false, problems: [{ file, line: 1, column: 1, message: `the runbook is ${text.length.toLocaleString('en-US')} characters, more than the limit of ${LIMITS.runbookBytes.toLocaleString('en-US')}` }] };
  const large = text.length > FAST_LOCATE_CHARS;
  // Findings in inline SQL are located from js-yaml's node events, recorded as it reads (yaml-tree.ts).
  const read = readYaml(text, file, { nodes: !large });
  if (!read.ok) return { ok: false, problems: capProblems(read.problems, file) };
  const { data } = read;
  // A large file is located without the `yaml` library's document (seconds and hundreds of MB for 2 MB of YAML).
  const locate = new Locator(file, read.positions, large ? fastLocator(text) : undefined, read.nodes);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problems: [locate.at([], 'expected a mapping with runbook: 1, id, title and steps')] };
  }
  // Depth, keys per mapping and value length are bounded before anything walks the data recursively.
  const shape = checkShape(data);
  if (shape) {
    // Located from js-yaml's events: the `yaml` library's document of a file this size would cost more than the check.
    const last = shape.path.at(-1);
    const at = typeof last === 'string' ? fastLocator(text)(shape.path.slice(0, -1), last) : fastLocator(text)(shape.path);
    return { ok: false, problems: [{ file, ...at, message: shape.message }] };
  }
  const dir = dirname(resolve(file));
  const allowedDirs = options.allowedDirs ?? allowedDirsSetting();
  const parsed = runbookSchema.safeParse(data);
  if (!parsed.success) {
    // Report the schema's problems and, in the same go, what the semantic checks find in the rest.
    const lint = await lintRunbook(lenientRunbook(data as Record<string, unknown>), dir, locate, options.serverVersionNum, allowedDirs).catch(() => ({ problems: [] as Problem[] }));
    const counted = { omitted: 0 };
    const schemaProblems = problemsFromZod(parsed.error.issues, data, locate, LIMITS.problems, counted, runbookSchema);
    return { ok: false, problems: capProblems(sortProblems([...schemaProblems, ...lint.problems]), file, counted.omitted) };
  }
  options.onValid?.(parsed.data.id);
  const { problems, sqlFiles, findings } = await lintRunbook(parsed.data, dir, locate, options.serverVersionNum, allowedDirs);
  if (problems.length > 0) return { ok: false, problems: capProblems(sortProblems(problems), file) };
  const rb: Runbook = { ...parsed.data, file: resolve(file), dir, sqlFiles, findings };
  return { ok: true, runbook: deepFreeze(rb), problems: [] };
}

/** The first LIMITS.problems problems, and a last one counting the rest: 200,000 lines of "unknown key" help no one. */
function capProblems(problems: Problem[], file: string, omitted = 0): Problem[] {
  if (problems.length <= LIMITS.problems && omitted === 0) return problems;
  const shown = problems.slice(0, LIMITS.problems);
  const rest = problems.length - shown.length + omitted;
  const last = shown[shown.length - 1] ?? { file, line: 1, column: 1 };
  return [...shown, { file: last.file, line: last.line, column: last.column, message: `… and ${rest.toLocaleString('en-US')} more problem${rest === 1 ? '' : 's'} (fix the ones above first)`, omitted: rest }];
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
