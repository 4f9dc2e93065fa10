// What is settled once when a fleet starts: its key (one live fleet per
// runbook and target set), the answers the person starting it gives for every
// target, and the refusals when something is missing.
import { createHash } from 'node:crypto';
import type { Runbook } from '../runbook/load.js';
import { dangerReasons } from '../run/danger.js';
import { parseInputArgs, resolveInputs } from '../run/inputs.js';
import type { Answers } from './control.js';
import type { FleetPlan } from './targets.js';

export function fleetKey(rb: Runbook, plan: FleetPlan): string {
  const h = createHash('sha256').update(rb.id);
  for (const t of [...plan.targets].sort((a, b) => a.name.localeCompare(b.name))) h.update(`\0${t.name}\0${JSON.stringify(t.connection)}`);
  return h.digest('hex').slice(0, 32);
}

/** The runbook's manual confirmations: prerequisites, confirm steps, checklist items. */
export function confirmations(rb: Runbook): string[] {
  return [
    ...rb.prerequisites.flatMap((c) => (c.confirm ? [c.confirm] : [])),
    ...rb.steps.flatMap((s) => (s.confirm ? [s.confirm] : [])),
    ...rb.checklist.map((c) => (typeof c === 'string' ? c : c.title)),
  ];
}

/** The steps that destroy data, with why. */
export function destructiveSteps(rb: Runbook): { id: string; reasons: string[] }[] {
  return rb.steps.flatMap((s) => {
    const reasons = s.confirm ? [] : dangerReasons(rb, s);
    return reasons.length ? [{ id: s.id, reasons }] : [];
  });
}

export interface StartFlags {
  input: string[];
  yes?: boolean;
  confirmDanger?: string;
  confirmCount?: string;
  recordInDb?: boolean;
}

/** The answers given by flags, or every reason the fleet cannot start (each says which flag answers it). */
export function answersFromFlags(rb: Runbook, plan: FleetPlan, name: string, by: string, flags: StartFlags, now = new Date()): { answers?: Answers; problems: string[] } {
  const problems: string[] = [];
  const parsed = parseInputArgs(flags.input);
  problems.push(...parsed.problems);
  const secret = Object.keys(parsed.values).filter((k) => rb.inputs[k]?.secret);
  for (const k of secret) problems.push(`--input ${k}: a secret input is not stored in the control database; set RUNBOOK_INPUT_${k.toUpperCase()} on the workers instead`);
  const publicSpecs = Object.fromEntries(Object.entries(rb.inputs).filter(([, s]) => !s.secret));
  const given = Object.fromEntries(Object.entries(parsed.values).filter(([k]) => !rb.inputs[k]?.secret));
  const resolved = resolveInputs(publicSpecs, given);
  problems.push(...resolved.problems.map((p) => p.message));
  for (const m of resolved.missing) problems.push(`input ${m} is needed by every target: pass --input ${m}=VALUE`);
  const texts = confirmations(rb);
  if (texts.length && !flags.yes) problems.push(`the runbook asks ${texts.length} manual confirmation(s) (${texts.map((t) => `"${t}"`).join(', ')}): answer them once for every target with --yes`);
  const danger = destructiveSteps(rb);
  const count = plan.targets.length;
  if (danger.length) {
    const how = `--confirm-danger ${name} --confirm-count ${count}`;
    if (flags.confirmDanger !== name) problems.push(`step(s) ${danger.map((d) => d.id).join(', ')} destroy data (${danger[0].reasons[0]}): allow them on this fleet with ${how}`);
    else if (Number(flags.confirmCount) !== count) problems.push(`destructive steps on ${count} targets: --confirm-count must be the number of targets (${count})${flags.confirmCount ? `, not ${flags.confirmCount}` : ''}`);
  }
  if (problems.length) return { problems };
  const at = now.toISOString();
  return {
    problems,
    answers: {
      inputs: given,
      confirmed: texts.length ? { by, at, texts } : null,
      danger: danger.length ? { by, at, name, count } : null,
      recordInDb: Boolean(flags.recordInDb),
    },
  };
}
