// A runbook file is untrusted input: it may come from a pull request, a wiki,
// a colleague's laptop. What it may make the program read is bounded here:
// - files it names (sql_file, a shell step's cwd, a SQLite database) stay
//   inside the runbook's folder tree (treeRoot: its project, or its folder),
//   symlinks resolved, unless the operator's `allowedDirs` setting adds a folder;
// - a path that exists but is not a regular file (/dev/zero, a folder, a
//   pipe) is named as such, never read;
// - sizes are bounded (LIMITS), and the text must be valid UTF-8: a bad byte is
//   an error at file:line:col, not silently replaced (the server would
//   receive different SQL from the bytes in the file);
// - no error ever echoes the file's content.
import { closeSync, constants, existsSync, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { openStore } from '../journal/store.js';
import { noteInputSize } from './large-input.js';

/** Bounds on what a runbook may make the program read and hold. */
export const LIMITS = {
  /** A runbook file: the shipped ones are under 40 KB. */
  runbookBytes: 4 * 1024 * 1024,
  /** One sql_file: a large migration, not a data dump. */
  sqlFileBytes: 32 * 1024 * 1024,
  /** One text value in a runbook (a title, an inline SQL, a shell command). */
  valueChars: 1024 * 1024,
  /** Levels of nesting (mappings and lists inside each other): the format needs fewer than 10. */
  depth: 64,
  /** Keys in one mapping, items in one list. */
  keys: 10_000,
  /** Mappings, lists and long texts in the whole file, aliases counted where used. */
  values: 500_000,
  /** Problems listed per file: the rest are counted (the first ones are what to fix first). */
  problems: 200,
} as const;

export const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

export type FileRead = { ok: true; text: string } | { ok: false; message: string; line?: number; column?: number };

/**
 * Reads a text file an untrusted runbook names (or the runbook itself): a
 * regular file, at most `maxBytes`, valid UTF-8. `what` names it in messages
 * ("sql_file \"x.sql\""), which say what it is instead and never quote it.
 */
export function readTextFile(path: string, what: string, maxBytes: number): FileRead {
  // Looked at before it is opened: opening a pipe would wait for a writer, and a device never ends.
  let before: Stats;
  try {
    before = statSync(path);
  } catch (err) {
    return { ok: false, message: `${what}: ${openProblem(err, path)}` };
  }
  const notAFile = describeNonFile(before, path, maxBytes);
  if (notAFile) return { ok: false, message: `${what}: ${notAFile}` };
  let fd: number;
  try {
    // O_NONBLOCK: should the path be swapped for a pipe after the look, the open still returns at once.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { ok: false, message: `${what}: ${openProblem(err, path)}` };
  }
  try {
    const stat = fstatSync(fd);
    const changed = describeNonFile(stat, path, maxBytes);
    if (changed) return { ok: false, message: `${what}: ${changed}` };
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    noteInputSize(read);
    return decodeUtf8(buffer.subarray(0, read), what);
  } catch (err) {
    return { ok: false, message: `${what}: ${openProblem(err, path)}` };
  } finally {
    closeSync(fd);
  }
}

/** Why this is not a file to read (a folder, a device, a pipe, too large), or undefined. */
function describeNonFile(stat: Stats, path: string, maxBytes: number): string | undefined {
  if (stat.isDirectory()) return `${path} is a folder, expected a file`;
  if (!stat.isFile()) return `${path} is not a regular file (${kindOf(stat)}), expected a file`;
  if (stat.size > maxBytes) return `${path} is ${mib(stat.size)}, more than the limit of ${mib(maxBytes)}`;
  return undefined;
}

function openProblem(err: unknown, path: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${path} not found`;
  if (code === 'EISDIR') return `${path} is a folder, expected a file`;
  if (code === 'EACCES' || code === 'EPERM') return `${path} cannot be read (permission denied)`;
  if (code === 'ENOTDIR') return `${path}: a part of the path is a file, not a folder`;
  if (code === 'ELOOP') return `${path}: too many symbolic links`;
  return `${path} cannot be read (${code ?? 'unknown error'})`;
}

function kindOf(stat: Stats): string {
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a pipe';
  if (stat.isSocket()) return 'a socket';
  return 'not a plain file';
}

const strict = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 strictly; the first invalid byte is reported at its line and column. */
export function decodeUtf8(bytes: Uint8Array, what: string): FileRead {
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    const at = firstInvalidByte(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, at));
    const lines = before.split('\n');
    const line = lines.length;
    const column = [...lines[lines.length - 1]].length + 1;
    return { ok: false, line, column, message: `${what}: invalid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, '0')} at offset ${at}): expected text encoded as UTF-8; re-save the file as UTF-8` };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidByte(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let n = 0;
    let min = 0;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

/**
 * Where a path a runbook names may point: inside the runbook's folder tree
 * (after resolving symlinks), or inside a folder the operator allowed.
 * Returns why not, or undefined when it may. A path that does not exist yet
 * is judged by its nearest existing parent.
 */
export function outsideTree(runbookDir: string, path: string, allowedDirs: readonly string[] = []): string | undefined {
  const target = realOrNearest(resolve(runbookDir, path));
  const tree = treeRoot(runbookDir);
  const roots = [tree, ...allowedDirs.map((d) => realOrNearest(resolve(d)))];
  if (roots.some((root) => within(root, target))) return undefined;
  return `"${path}" is outside the runbook's folder tree (${tree})${target !== resolve(runbookDir, path) ? `: it leads to ${target}` : ''}; a runbook may only use files in its own tree. To allow another folder, add it to the allowedDirs setting (runbook config set allowedDirs DIR)`;
}

/**
 * The runbook's folder tree: the project it sits in, where runbooks/ and
 * migrations/ sit side by side (as shipped) — the nearest folder above it
 * holding .git or package.json, else the folder above a `runbooks` folder
 * (the layout `runbook` itself looks for) — or its own folder when it sits in
 * neither. Symlinks resolved.
 */
export function treeRoot(runbookDir: string): string {
  const own = realOrNearest(resolve(runbookDir));
  for (let dir = own; ; ) {
    if (existsSync(join(dir, '.git')) || existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return basename(own) === 'runbooks' ? dirname(own) : own;
}

function within(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path, or that of the nearest parent that exists with the rest appended. */
function realOrNearest(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = resolve(path, '..');
    if (parent === path) return path;
    return resolve(realOrNearest(parent), relative(parent, path));
  }
}

/** The `allowedDirs` setting (runbook config set allowedDirs DIR:DIR); none when unset or unreadable. */
export function allowedDirsSetting(): string[] {
  try {
    return openStore().settings().allowedDirs ?? [];
  } catch {
    return [];
  }
}
