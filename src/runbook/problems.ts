// A problem found in a runbook file, located by file, line and column so an
// editor (or a person) can jump straight to it.
import type { z } from 'zod';
import { yamlLibrary, type PositionedDocument } from './yaml-source.js';
import type { NodeLocator } from './yaml-tree.js';
import { quoteCut } from '../present/escape.js';
import { didYouMean } from './did-you-mean.js';
import { keysAt } from './schema-keys.js';

export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** Set on the last line of a capped list: how many problems it stands for (they were not listed). */
  omitted?: number;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}

export type PathKey = string | number;

/** Locates a path in the YAML document: the deepest node that exists on it. */
export class Locator {
  /** `positions` parses the file with positions; it is called only when a problem is located. */
  constructor(
    readonly file: string,
    private readonly positions: () => PositionedDocument,
    /** For a large file: a locator that does not build the `yaml` library's document (see yaml-source.ts). */
    private readonly fast?: (path: readonly PathKey[], key?: string) => { line: number; column: number },
    /** js-yaml's own node positions (yaml-tree.ts): a plain path is located without the `yaml` library's document. */
    private readonly nodes?: NodeLocator,
  ) {}

  at(path: readonly PathKey[], message: string, key?: string): Problem {
    if (this.fast) return { file: this.file, ...this.fast(path, key), message };
    const found = key === undefined ? this.nodes?.(path) : undefined;
    if (found) return { file: this.file, ...found, message };
    const { doc, lines } = this.positions();
    const { line, col } = lines.linePos(offsetOf(doc, path, key));
    return { file: this.file, line, column: col, message };
  }
}

/**
 * Each mapping's pairs by key, built once per mapping: looking each key up
 * with a scan made locating n unknown keys in one mapping cost n² (10,000
 * keys: 5 s; 200,000 never finished).
 */
const pairIndex = new WeakMap<object, Map<unknown, YamlPair>>();
type YamlPair = { key: unknown; value: unknown };

function pairOf(map: { items: unknown[] }, part: PathKey): YamlPair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    const { isPair, isScalar } = yamlLibrary();
    index = new Map();
    for (const p of map.items) if (isPair(p) && isScalar(p.key) && !index.has(p.key.value)) index.set(p.key.value, p as YamlPair);
    pairIndex.set(map, index);
  }
  return index.get(part);
}

/** Offset of the value at `path` (or of the key `key` inside it): the deepest node that exists on it. */
function offsetOf(doc: PositionedDocument['doc'], path: readonly PathKey[], key?: string): number {
  const { isMap, isSeq } = yamlLibrary();
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const part of key === undefined ? path : [...path, key]) {
    let next: unknown;
    if (isMap(node)) {
      const pair = pairOf(node, part);
      // A key that is present: point at the key for a bad key, at the value otherwise.
      if (pair) {
        offset = part === key ? rangeStart(pair.key) : rangeStart(pair.value ?? pair.key);
        next = pair.value;
      }
    } else if (isSeq(node) && typeof part === 'number') {
      next = node.items[part];
      if (next) offset = rangeStart(next);
    }
    if (next === undefined) break;
    node = next;
  }
  return offset;
}

function rangeStart(node: unknown): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : 0;
}

/** Renders a path like steps[2].verify[0].expect for messages. */
export function describePath(path: readonly PathKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out || 'the file';
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(data: unknown, path: readonly PathKey[]): unknown {
  let v: unknown = data;
  for (const part of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathKey, unknown>)[part];
  }
  return v;
}

/**
 * Turns zod's issues into located problems that say what was expected and
 * what was found. Only the first `limit` are located (each costs a lookup in
 * the document); `counted.omitted` counts the rest.
 */
export function problemsFromZod(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  locate: Locator,
  limit = Infinity,
  counted: { omitted: number } = { omitted: 0 },
  schema?: z.ZodType,
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (problems.length >= limit) {
      counted.omitted += issue.code === 'unrecognized_keys' ? issue.keys.length : 1;
      continue;
    }
    const path = issue.path.filter((p): p is PathKey => typeof p !== 'symbol');
    const where = describePath(path);
    const found = describeValue(valueAt(data, path));
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          if (problems.length >= limit) {
            counted.omitted++;
            continue;
          }
          const allowed = schema ? keysAt(schema, path) : [];
          const expected = allowed.length ? `expected one of ${allowed.join(', ')}` : 'expected one of the keys the format defines (check the spelling; see schema/runbook.schema.json)';
          problems.push(locate.at(path, `unknown key ${quoteCut(key, 60)} in ${where}${didYouMean(key, allowed)}: ${expected}`, key));
        }
        break;
      case 'invalid_type':
        problems.push(
          locate.at(path, found === 'nothing' ? `${where} is missing: expected ${issue.expected}` : `${where}: expected ${issue.expected}, found ${found}`),
        );
        break;
      case 'invalid_value':
        problems.push(locate.at(path, `${where}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${found}`));
        break;
      case 'invalid_union':
        problems.push(locate.at(path, `${where}: ${issue.message === 'Invalid input' ? 'not a valid value' : issue.message}, found ${found}`));
        break;
      case 'too_small':
        problems.push(locate.at(path, `${where}: expected at least ${String(issue.minimum)}${issue.origin === 'array' ? ' item(s)' : ''}, found ${found}`));
        break;
      default:
        problems.push(locate.at(path, `${where}: expected ${issue.message}, found ${found}`));
    }
  }
  return problems;
}
