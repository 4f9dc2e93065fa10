// A procedure as it runs on its own: its own inputs and prerequisites, plus
// only what it names under `inherit:` from the forward runbook. An emergency
// rollback at 3 a.m. must not ask for the forward run's backup folder or
// re-confirm "this is a low-traffic period".
import type { Runbook } from './load.js';
import type { Check, Input, Procedure, RunbookData } from './schema.js';

/** The inputs a procedure run asks for: the inherited ones, then its own (its own win on a name clash). */
export function procedureInputs(rb: Pick<RunbookData, 'inputs'>, p: Procedure): Record<string, Input> {
  const out: Record<string, Input> = {};
  for (const name of p.inherit?.inputs ?? []) if (rb.inputs[name]) out[name] = rb.inputs[name];
  return { ...out, ...p.inputs };
}

/** The prerequisites a procedure run checks: the inherited ones (in the runbook's order), then its own. */
export function procedurePrerequisites(rb: Pick<RunbookData, 'prerequisites'>, p: Procedure): Check[] {
  const wanted = new Set(p.inherit?.prerequisites ?? []);
  return [...rb.prerequisites.filter((c) => c.id !== undefined && wanted.has(c.id)), ...p.prerequisites];
}

/**
 * The runbook as a run of one of its procedures sees it: that procedure's
 * inputs and prerequisites in place of the forward ones, and sandbox
 * defaults only for the inputs it has. Everything else (steps, troubleshooting,
 * connections, files) is the runbook's.
 */
export function forProcedure(rb: Runbook, id: string): Runbook {
  const p = rb.procedures.find((x) => x.id === id);
  if (!p) return rb;
  const inputs = procedureInputs(rb, p);
  const sandbox = rb.sandbox?.inputs ? { ...rb.sandbox, inputs: Object.fromEntries(Object.entries(rb.sandbox.inputs).filter(([k]) => k in inputs)) } : rb.sandbox;
  return Object.freeze({ ...rb, inputs, prerequisites: procedurePrerequisites(rb, p), sandbox });
}
