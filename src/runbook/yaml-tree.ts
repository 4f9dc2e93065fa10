// Where each node of a runbook's YAML starts, recorded from js-yaml's node
// events while it reads the file: locating a step's inline SQL (every lint
// finding in it, printed by validate and run) then needs no second parse.
// Before, the `yaml` library parsed each file again for that: ~2/3 of
// `validate`'s CPU on the shipped runbooks (bench/results.md, round 5).
// Only what is plainly regular is answered (block or flow mappings of plain
// keys, lists, a value present at every part of the path); anything else
// returns undefined and the caller asks the `yaml` library, as before.
import type { LoadOptions } from 'js-yaml';

/** One node: where js-yaml opened it, its kind, its text when a scalar, its children in order. */
interface YamlNode {
  open: number;
  close: number;
  kind: string | null;
  text: string | undefined;
  children: YamlNode[];
}

export type NodeLocator = (path: readonly (string | number)[]) => { line: number; column: number } | undefined;

/** A listener for js-yaml's load and, after the load, the locator it built. */
export function yamlTree(text: string): { listener: NonNullable<LoadOptions['listener']>; locator: () => NodeLocator } {
  const top: YamlNode = { open: 0, close: 0, kind: null, text: undefined, children: [] };
  const stack: YamlNode[] = [top];
  const listener: NonNullable<LoadOptions['listener']> = (event, state) => {
    if (event === 'open') {
      stack.push({ open: state.position, close: 0, kind: null, text: undefined, children: [] });
      return;
    }
    const node = stack.pop()!;
    node.close = state.position;
    node.kind = state.kind;
    if (typeof state.result === 'string') node.text = state.result;
    stack[stack.length - 1].children.push(node);
  };
  // js-yaml drops a byte-order mark before reading: its positions are then one off the text's.
  const usable = () => stack.length === 1 && top.children.length === 1 && text.charCodeAt(0) !== 0xfeff;
  return { listener, locator: () => (usable() ? locatorOf(text, top.children[0]) : () => undefined) };
}

function locatorOf(text: string, root: YamlNode): NodeLocator {
  let lineStarts: number[] | undefined;
  return (path) => {
    let node = root;
    for (const part of path) {
      const next = childAt(text, node, part);
      if (!next) return undefined;
      node = next;
    }
    // An empty value (`sql:` and nothing): js-yaml opened it where the next line starts.
    if (node.kind === null) return undefined;
    const offset = valueStart(text, node.open);
    // An anchor, a tag or an alias: where the `yaml` library starts such a node is its own business.
    if (offset === undefined || '&!*'.includes(text[offset])) return undefined;
    lineStarts ??= lineStartsOf(text);
    return lineAndColumnIn(lineStarts, offset);
  };
}

/** The child at a key (mapping) or index (list), when the node's children pair up plainly. */
function childAt(text: string, outer: YamlNode, part: string | number): YamlNode | undefined {
  const node = itself(text, outer);
  if (node.kind === 'sequence') return typeof part === 'number' ? node.children[part] : undefined;
  if (node.kind !== 'mapping' || typeof part !== 'string' || node.children.length % 2 !== 0) return undefined;
  // Keys and values alternate: each pair is a key node, then its value node (js-yaml opens one even for an
  // empty block value). A key without a value (`{a, b}`, `? a`) breaks the rhythm: only a colon may stand between.
  for (let i = 0; i < node.children.length; i += 2) {
    const key = node.children[i];
    const value = node.children[i + 1];
    if (key.kind !== 'scalar' || key.text === undefined || !/^[ \t]*:[ \t]*$/.test(text.slice(key.close, value.open))) return undefined;
    if (key.text === part) return value;
  }
  return undefined;
}

/**
 * js-yaml reads a value in a block by first trying it as a mapping's key: when
 * no colon follows, the node it read (a flow mapping or list, a scalar) is kept
 * as the value, and the events show it as the only child of the value's node.
 */
function itself(text: string, node: YamlNode): YamlNode {
  while (node.children.length === 1) {
    const only = node.children[0];
    if (only.kind !== node.kind || only.close !== node.close || valueStart(text, only.open) !== valueStart(text, node.open)) break;
    node = only;
  }
  return node;
}

/** js-yaml opens a node before the spaces, line breaks and comments in front of it: where its text starts. */
function valueStart(text: string, from: number): number | undefined {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (c === '#') {
      const eol = text.indexOf('\n', i);
      if (eol === -1) return undefined;
      i = eol + 1;
    } else return i;
  }
  return undefined;
}

/** Where each line of the text starts (after each \n). */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line and column of an offset, by binary search in lineStartsOf's answer. */
export function lineAndColumnIn(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}
