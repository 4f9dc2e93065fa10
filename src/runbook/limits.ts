// Bounds on the shape of a runbook's data, checked once, without recursion,
// right after the YAML is read and before the schema, the lint or a freeze
// walk it recursively: 10,000 levels of nesting are a clear problem, not
// "Maximum call stack size exceeded"; a 10 MB value is named, not echoed.
import { LIMITS } from './files.js';
import type { PathKey } from './problems.js';

export interface ShapeProblem {
  path: PathKey[];
  message: string;
}

/** The first place where the data passes a limit (depth, keys or items, value length), or undefined. */
export function checkShape(data: unknown): ShapeProblem | undefined {
  // Iterative: a stack of (value, path) pairs; paths are built only for what is visited.
  const stack: [unknown, PathKey[]][] = [[data, []]];
  // Aliases (*a) make one value appear in many places: counted each time, so "a billion laughs" stops here.
  let visited = 0;
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (++visited > LIMITS.values) return { path, message: `${where(path)}: the file holds more than ${LIMITS.values.toLocaleString('en-US')} values (aliases counted where they are used)` };
    if (typeof value === 'string') {
      if (value.length > LIMITS.valueChars) {
        return { path, message: `${where(path)}: a text of ${value.length.toLocaleString('en-US')} characters, more than the limit of ${LIMITS.valueChars.toLocaleString('en-US')}; put long SQL in a sql_file` };
      }
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (path.length >= LIMITS.depth) {
      return { path, message: `${where(path)}: nested more than ${LIMITS.depth} levels deep; a runbook needs fewer than 10` };
    }
    // Counted before anything is built from them: listing 200,000 keys costs more than the rest of the check.
    const count = Array.isArray(value) ? value.length : countKeys(value as Record<string, unknown>);
    if (count > LIMITS.keys) {
      const what = Array.isArray(value) ? 'items' : 'keys';
      return { path, message: `${where(path)}: more than ${LIMITS.keys.toLocaleString('en-US')} ${what} (the limit)` };
    }
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, v] = entries[i];
      // Keys are text too.
      if (typeof key === 'string' && key.length > LIMITS.valueChars) return { path, message: `${where(path)}: a key of ${key.length.toLocaleString('en-US')} characters, more than the limit of ${LIMITS.valueChars.toLocaleString('en-US')}` };
      if (v !== null && typeof v === 'object') stack.push([v, [...path, key]]);
      else if (typeof v === 'string' && v.length > LIMITS.valueChars) stack.push([v, [...path, key]]);
    }
  }
  return undefined;
}

/** Own keys, counted up to one past the limit. */
function countKeys(value: Record<string, unknown>): number {
  let n = 0;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (++n > LIMITS.keys) break;
  }
  return n;
}

function where(path: readonly PathKey[]): string {
  if (path.length === 0) return 'the file';
  // At most the first levels: a path 10,000 levels deep is itself too long to show.
  const shown = path.slice(0, 8);
  let out = '';
  for (const raw of shown) {
    const part = typeof raw === 'string' && raw.length > 40 ? `${raw.slice(0, 39)}…` : raw;
    out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  }
  return path.length > shown.length ? `${out}… (${path.length} levels)` : out;
}
