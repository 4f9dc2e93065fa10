// When a file fails the schema, the semantic checks still run on what could be
// read, so the author sees every problem in one go. This shapes raw YAML data
// just enough for them: lists where lists are expected, mappings where
// mappings are; anything else is left for the schema problems to describe.
import type { RunbookData } from './schema.js';

type Raw = Record<string, unknown>;

const isObject = (x: unknown): x is Raw => x !== null && typeof x === 'object' && !Array.isArray(x);
const objects = (x: unknown): Raw[] => (Array.isArray(x) ? x.filter(isObject) : []);
const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
const text = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);

function action(raw: Raw): Raw {
  return { ...raw, sql: text(raw.sql), sql_file: text(raw.sql_file), shell: text(raw.shell), confirm: text(raw.confirm), connection: text(raw.connection) };
}

function step(raw: Raw): Raw {
  return {
    ...action(raw),
    id: text(raw.id),
    verify: objects(raw.verify).map((c) => ({ ...action(c), expect: isObject(c.expect) ? c.expect : undefined, speedup: undefined, compare: undefined })),
    troubleshoot: strings(raw.troubleshoot),
    rollback: isObject(raw.rollback) ? action(raw.rollback) : undefined,
    expect: isObject(raw.expect) ? raw.expect : undefined,
  };
}

export function lenientRunbook(raw: Raw): RunbookData {
  return {
    ...raw,
    inputs: isObject(raw.inputs) ? raw.inputs : {},
    connections: isObject(raw.connections) ? raw.connections : {},
    sandbox: isObject(raw.sandbox) ? action(raw.sandbox) : undefined,
    prerequisites: objects(raw.prerequisites).map((c) => ({ ...action(c), id: text(c.id), expect: isObject(c.expect) ? c.expect : undefined })),
    steps: objects(raw.steps).map(step),
    troubleshooting: objects(raw.troubleshooting).map((t) => ({ ...t, id: text(t.id), match: isObject(t.match) ? t.match : Array.isArray(t.match) && objects(t.match).length > 0 ? objects(t.match) : undefined, fix: isObject(t.fix) ? action(t.fix) : undefined })),
    procedures: objects(raw.procedures).map((p) => ({ ...p, id: text(p.id), steps: objects(p.steps).map(step) })),
    checklist: Array.isArray(raw.checklist) ? raw.checklist : [],
  } as unknown as RunbookData;
}
