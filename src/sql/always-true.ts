// Whether a WHERE clause is true for every row no matter what the rows hold:
// `WHERE true`, `WHERE 1 = 1`, `WHERE 'a' = 'a'`, `WHERE NOT false`,
// `WHERE x > 5 OR 1 = 1`. Only constants are folded: `x = x` is not always
// true (it is NULL where x is NULL), so it is left alone.

import type { Node } from 'libpg-query';
import { dottedName, unwrap } from './tree.js';

type Constant = { kind: 'bool'; value: boolean } | { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'null' };

/** true when the expression is constant and true; false when it is not known to be. */
export function alwaysTrue(expr: unknown): boolean {
  const v = evaluate(expr as Node);
  return v?.kind === 'bool' && v.value;
}

/** The expression's constant value, or undefined when it depends on the row (or is beyond this folding). */
function evaluate(node: Node | undefined, depth = 0): Constant | undefined {
  if (depth > 64) return undefined;
  const { type, body } = unwrap(node);
  switch (type) {
    case 'A_Const':
      return constant(body);
    case 'TypeCast': {
      const arg = evaluate(body.arg as Node, depth + 1);
      const target = dottedName((body.typeName as { names?: Node[] } | undefined)?.names).replace(/^pg_catalog\./, '');
      if (arg && (target === 'bool' || target === 'boolean') && arg.kind === 'string') {
        const s = arg.value.trim().toLowerCase();
        if (['t', 'true', 'yes', 'y', 'on', '1'].includes(s)) return { kind: 'bool', value: true };
        if (['f', 'false', 'no', 'n', 'off', '0'].includes(s)) return { kind: 'bool', value: false };
      }
      return undefined;
    }
    case 'BoolExpr': {
      const args = ((body.args as Node[] | undefined) ?? []).map((a) => evaluate(a, depth + 1));
      const isTrue = (c: Constant | undefined) => c?.kind === 'bool' && c.value;
      const isFalse = (c: Constant | undefined) => c?.kind === 'bool' && !c.value;
      if (body.boolop === 'AND_EXPR') {
        if (args.some(isFalse)) return { kind: 'bool', value: false };
        return args.every(isTrue) ? { kind: 'bool', value: true } : undefined;
      }
      if (body.boolop === 'OR_EXPR') {
        // One always-true branch makes the whole OR true for every row.
        if (args.some(isTrue)) return { kind: 'bool', value: true };
        return args.every(isFalse) ? { kind: 'bool', value: false } : undefined;
      }
      if (body.boolop === 'NOT_EXPR' && args.length === 1 && args[0]?.kind === 'bool') return { kind: 'bool', value: !args[0].value };
      return undefined;
    }
    case 'A_Expr': {
      if (body.kind !== 'AEXPR_OP') return undefined;
      const op = dottedName(body.name as Node[]);
      const l = evaluate(body.lexpr as Node, depth + 1);
      const r = evaluate(body.rexpr as Node, depth + 1);
      if (!l || !r || l.kind === 'null' || r.kind === 'null' || l.kind !== r.kind) return undefined;
      const a = l.value;
      const b = r.value;
      switch (op) {
        case '=': return { kind: 'bool', value: a === b };
        case '<>': case '!=': return { kind: 'bool', value: a !== b };
        // Strings compare by collation on the server; only numbers are ordered here.
        case '<': return l.kind === 'number' ? { kind: 'bool', value: a < b } : undefined;
        case '>': return l.kind === 'number' ? { kind: 'bool', value: a > b } : undefined;
        case '<=': return l.kind === 'number' ? { kind: 'bool', value: a <= b } : undefined;
        case '>=': return l.kind === 'number' ? { kind: 'bool', value: a >= b } : undefined;
      }
      return undefined;
    }
    case 'NullTest': {
      const arg = evaluate(body.arg as Node, depth + 1);
      if (!arg) return undefined;
      const isNull = arg.kind === 'null';
      return { kind: 'bool', value: body.nulltesttype === 'IS_NULL' ? isNull : !isNull };
    }
  }
  return undefined;
}

function constant(c: Record<string, unknown>): Constant | undefined {
  if (c.isnull) return { kind: 'null' };
  // Zero and false are written as empty objects: {ival:{}} is 0, {boolval:{}} is false.
  if (c.boolval !== undefined) return { kind: 'bool', value: (c.boolval as { boolval?: boolean }).boolval === true };
  if (c.ival !== undefined) return { kind: 'number', value: Number((c.ival as { ival?: number }).ival ?? 0) };
  if (c.fval !== undefined) return { kind: 'number', value: Number((c.fval as { fval?: string }).fval ?? 0) };
  if (c.sval !== undefined) return { kind: 'string', value: String((c.sval as { sval?: string }).sval ?? '') };
  return undefined;
}
