// The keys the format allows at a place in the file, read from the zod schema
// itself (so they can never disagree with it): what an "unknown key" problem
// lists, and what its "did you mean …" picks from.
import type { z } from 'zod';
import type { PathKey } from './problems.js';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Past optional/default/nullable/pipe/lazy wrappers, to the schema that gives the shape. */
function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'prefault':
    case 'nonoptional':
      return def.innerType ? unwrap(def.innerType) : [schema];
    case 'pipe':
      return def.in ? unwrap(def.in) : [schema];
    case 'lazy':
      return def.getter ? unwrap(def.getter()) : [schema];
    case 'union':
      return (def.options ?? []).flatMap(unwrap);
    default:
      return [schema];
  }
}

function step(schema: z.ZodType, key: PathKey): z.ZodType[] {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape && typeof key === 'string' && key in def.shape ? [def.shape[key]] : [];
  if (def.type === 'array') return def.element ? [def.element] : [];
  if (def.type === 'record') return def.valueType ? [def.valueType] : [];
  return [];
}

/** The keys an object at `path` may have (every object a union there allows), in the schema's order; [] when unknown. */
export function keysAt(root: z.ZodType, path: readonly PathKey[]): string[] {
  let schemas = unwrap(root);
  for (const key of path) schemas = schemas.flatMap((s) => step(s, key)).flatMap(unwrap);
  const keys = schemas.flatMap((s) => {
    const def = defOf(s);
    return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
  });
  return [...new Set(keys)];
}
