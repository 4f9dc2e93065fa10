// Small helpers for reading libpg-query parse trees. A tree node is an object
// with exactly one key, the node type: { SelectStmt: {...} }.

import type { DefElem, Node } from 'libpg-query';

/** The node's type name and its fields. */
export function unwrap(node: Node | undefined): { type: string; body: Record<string, unknown> } {
  if (!node) return { type: '', body: {} };
  // The first key, as Object.entries would give it, without the array of every [key, value] pair: the lock
  // model and the classifier unwrap several nodes of each statement (a 10,000-statement lint, ~200,000 times).
  for (const type in node) {
    if (!Object.hasOwn(node, type)) continue;
    const body = (node as Record<string, unknown>)[type];
    return { type, body: (body ?? {}) as Record<string, unknown> };
  }
  return { type: '', body: {} };
}

/** A dotted name from a name list like [{String:{sval:'public'}},{String:{sval:'t'}}]. */
export function dottedName(nodes: Node[] | undefined): string {
  let name = '';
  let first = true;
  for (const n of nodes ?? []) {
    const { type, body } = unwrap(n);
    if (type !== 'String') continue;
    name = first ? String(body.sval) : `${name}.${String(body.sval)}`;
    first = false;
  }
  return name;
}

/** A readable name of a DROP target: a name list, a type name, a function signature, or a bare string. */
export function objectName(node: Node | undefined): string {
  const { type, body } = unwrap(node);
  if (type === 'List') return dottedName(body.items as Node[]);
  if (type === 'String') return String(body.sval);
  if (type === 'TypeName') return dottedName(body.names as Node[]);
  if (type === 'ObjectWithArgs') return dottedName(body.objname as Node[]);
  if (type === 'RangeVar') return relationName(body);
  return '';
}

/** schema.table of a RangeVar body. */
export function relationName(rangeVar: unknown): string {
  const rv = (rangeVar ?? {}) as { schemaname?: string; relname?: string };
  return [rv.schemaname, rv.relname].filter(Boolean).join('.');
}

/** The DefElems of an options list. */
export function defElems(options: Node[] | undefined): DefElem[] {
  return (options ?? []).map((o) => unwrap(o)).filter((o) => o.type === 'DefElem').map((o) => o.body as DefElem);
}

/** Whether an option like ANALYZE or CONCURRENTLY is on (present, and not set to false/off/0). */
export function optionOn(option: DefElem): boolean {
  const { type, body } = unwrap(option.arg);
  if (type === '') return true;
  // Zero and false are omitted from the tree: {Integer:{}} is 0, {Boolean:{}} is false.
  if (type === 'Integer') return Number(body.ival ?? 0) !== 0;
  if (type === 'Boolean') return body.boolval === true;
  return !['false', 'off', 'no', '0'].includes(String(body.sval ?? '').toLowerCase());
}

/** The Node-typed children of a node body's fields (for walking into CTEs). */
export function withQueries(body: Record<string, unknown>): Node[] {
  const withClause = body.withClause as { ctes?: Node[] } | undefined;
  // Asked of every statement when it is classified: most have no WITH.
  if (!withClause?.ctes) return [];
  return withClause.ctes
    .map((cte) => unwrap(cte).body.ctequery as Node | undefined)
    .filter((q): q is Node => q !== undefined);
}

/** Every string constant in a parse tree ('happy' in `WHERE mood = 'happy'`). */
export function walkConstants(tree: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    const aConst = record.A_Const as { sval?: { sval?: string } } | undefined;
    if (aConst?.sval) found.push(String(aConst.sval.sval ?? ''));
    for (const v of Object.values(record)) visit(v);
  };
  visit(tree);
  return found;
}
