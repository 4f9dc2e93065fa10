// Reading a runbook's YAML: fast when the file is well formed, precise when a
// problem has to be located. js-yaml turns the five shipped runbooks into data
// in ~45 ms in a fresh process, the `yaml` library in ~255 ms (import included),
// but only the `yaml` library keeps where each node came from. So js-yaml reads,
// and the `yaml` library parses the text again only when a problem needs a
// line and column, or when js-yaml refuses the file (its own messages are
// then the ones the author sees, as before).
import { createRequire } from 'node:module';
import jsYaml from 'js-yaml';
import type * as YamlLibrary from 'yaml';
import type { Document, LineCounter } from 'yaml';
import type { Problem } from './problems.js';
import { LIMITS } from './files.js';
import { lineAndColumnIn, lineStartsOf, yamlTree, type NodeLocator } from './yaml-tree.js';

export interface PositionedDocument {
  doc: Document;
  lines: LineCounter;
}

export type YamlRead =
  /** `nodes` (asked for with `{ nodes: true }`) locates plain paths from js-yaml's own reading; undefined where it cannot. */
  | { ok: true; data: unknown; positions: () => PositionedDocument; nodes?: NodeLocator }
  | { ok: false; problems: Problem[] };

const require = createRequire(import.meta.url);

/** The `yaml` library, loaded on first use: synchronously, since a problem is found in the middle of a check. */
export function yamlLibrary(): typeof YamlLibrary {
  return require('yaml') as typeof YamlLibrary;
}

export function readYaml(text: string, file: string, options: { nodes?: boolean } = {}): YamlRead {
  let positioned: PositionedDocument | undefined;
  const positions = (): PositionedDocument => (positioned ??= parseWithPositions(text));
  try {
    // The core schema is YAML 1.2's, as the `yaml` library reads it: no dates, no `<<` merges, no yes/no booleans.
    // Duplicate keys are an error in both.
    const tree = options.nodes ? yamlTree(text) : undefined;
    const data = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file, listener: tree?.listener });
    return { ok: true, data, positions, ...(tree ? { nodes: tree.locator() } : {}) };
  } catch {
    // Fall through: the `yaml` library reports it in its words, with a position.
  }
  let parsed: PositionedDocument;
  try {
    parsed = positions();
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, problems: [{ file, line: 1, column: 1, message: TOO_DEEP }] };
    throw err;
  }
  const { doc, lines } = parsed;
  const duplicates = duplicateKeys(doc, lines, file);
  if (duplicates.length > 0) return { ok: false, problems: duplicates };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        // The parser's own stack ran out: nesting far past what a runbook needs (checkShape bounds the rest).
        const message = /call stack/i.test(e.message) ? TOO_DEEP : `YAML syntax: ${cut(e.message.split('\n')[0])}`;
        return { file, line: pos.line, column: pos.col, message };
      }),
    };
  }
  // js-yaml refused what the `yaml` library accepts (YAML has corners where parsers differ): the library's reading stands.
  try {
    return { ok: true, data: doc.toJS(), positions };
  } catch (err) {
    if (err instanceof RangeError) return { ok: false, problems: [{ file, line: 1, column: 1, message: TOO_DEEP }] };
    throw err;
  }
}

const TOO_DEEP = `nested far too deep to read (more than ${LIMITS.depth} levels is refused): a runbook needs fewer than 10`;

/** A parser's message can quote the text it choked on: a long line is cut. */
function cut(message: string, max = 200): string {
  return message.length > max ? `${message.slice(0, max - 1)}…` : message;
}

function parseWithPositions(text: string): PositionedDocument {
  const { LineCounter, parseDocument } = yamlLibrary();
  const lines = new LineCounter();
  // uniqueKeys is checked by duplicateKeys instead: the library compares each new key with every earlier one
  // (10,000 keys in one mapping took 6 s to locate a problem in; 200,000 never finished).
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  return { doc, lines };
}

/** Duplicate keys in any mapping, each at its second occurrence: one pass, a Set per mapping. */
function duplicateKeys(doc: Document, lines: LineCounter, file: string): Problem[] {
  const { isMap, isSeq, isPair, isScalar } = yamlLibrary();
  const problems: Problem[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key)) {
          const key = pair.key.value;
          if (seen.has(key)) {
            const pos = lines.linePos(pair.key.range?.[0] ?? 0);
            problems.push({ file, line: pos.line, column: pos.col, message: `YAML syntax: Map keys must be unique (${typeof key === 'string' && key.length > 60 ? `${key.slice(0, 59)}…` : String(key)} appears twice)` });
          }
          seen.add(key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) for (const item of node.items) stack.push(item);
  }
  return problems;
}

/**
 * Locates paths in a large file from js-yaml's node events: where each
 * mapping and list starts, then the key searched for from there. Exact for the
 * block and flow styles runbooks use; it never builds the `yaml` library's
 * document, which for 200,000 keys costs seconds and hundreds of MB.
 */
export function fastLocator(text: string): (path: readonly (string | number)[], key?: string) => { line: number; column: number } {
  let index: { data: unknown; starts: WeakMap<object, number>; lineStarts: number[] } | undefined;
  const build = () => {
    const starts = new WeakMap<object, number>();
    const open: number[] = [];
    let data: unknown;
    try {
      data = jsYaml.load(text, {
        schema: jsYaml.CORE_SCHEMA,
        listener(event, state) {
          if (event === 'open') open.push(state.position);
          else {
            const at = open.pop() ?? 0;
            const result: unknown = state.result;
            if (result !== null && typeof result === 'object' && !starts.has(result)) starts.set(result, at);
          }
        },
      });
    } catch {
      data = undefined;
    }
    return { data, starts, lineStarts: lineStartsOf(text) };
  };
  return (path, key) => {
    // The whole document starts at its first node: no parse needed for that.
    if (path.length === 0 && key === undefined) return lineAndColumn(text, /^(?:\s|#[^\n]*)*/.exec(text.slice(0, 4096))?.[0].length ?? 0);
    index ??= build();
    let offset = 0;
    let node: unknown = index.data;
    for (const part of [undefined, ...path]) {
      if (part !== undefined) {
        if (node === null || typeof node !== 'object') break;
        node = (node as Record<string | number, unknown>)[part];
      }
      if (node !== null && typeof node === 'object' && index.starts.has(node)) offset = index.starts.get(node)!;
    }
    if (key !== undefined) {
      const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const found = new RegExp(`(?:^|[\\s{,])(?:${escaped}|"${escaped}"|'${escaped}')\\s*:`, 'gm');
      found.lastIndex = offset;
      const hit = found.exec(text);
      if (hit) offset = hit.index + hit[0].search(/[^\s{,]/);
    } else offset += /^(?:\s|#[^\n]*)*/.exec(text.slice(offset, offset + 4096))?.[0].length ?? 0;
    return lineAndColumnIn(index.lineStarts, offset);
  };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
