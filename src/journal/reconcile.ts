// An item that was in flight when the process died. A SQL step's journal
// says which of its statements committed (engine/reducer.ts trackProgress):
// it continues after the last of them, never before, and a statement whose
// end was never seen is settled first (RunSession.settleInFlight: the step's
// applied: query, or the operator). Its verification runs after its statements.
// A shell step's effects are not known to the journal: its verification is run
// again, and the operator is told, before anything else happens, whether it is
// done, not done, or unknown.
//   done      every verification passes        → passed
//   not done  a verification fails             → pending again (it runs again)
//   unknown   the step has nothing to verify   → interrupted: the operator chooses retry or skip
// A prerequisite, a checklist item or a confirmation changes nothing, so it is simply asked again.
import { verdictSentence } from '../present/verdict.js';
import type { Verdict } from '../checks/verdict.js';
import type { RunEvent } from '../engine/events.js';
import { firstStatements } from '../present/output.js';
import type { ItemState } from '../engine/state.js';
import type { ExecError } from '../exec/types.js';
import type { Check, Step } from '../runbook/schema.js';

export type Reconciled = 'done' | 'not done' | 'unknown' | 'again';

export interface ReconcileIO {
  verify(check: Check): Promise<{ verdicts: Verdict[]; error?: ExecError }>;
  emit(event: RunEvent): void;
  clock(): number;
}

const STOPPED = 'the run stopped while this was in flight';

export async function reconcile(item: ItemState, step: Step | undefined, io: ReconcileIO): Promise<Reconciled> {
  const { key } = item;
  const say = (message: string) => io.emit({ type: 'item_output', key, events: [{ type: 'info', message }], at: io.clock() });
  const again = (reason: string) => {
    io.emit({ type: 'item_interrupted', key, reason, at: io.clock() });
    io.emit({ type: 'item_retry', key, at: io.clock() });
  };
  if (!step || step.confirm) {
    say(`reconciling: ${STOPPED}; it changes nothing, so it is asked again`);
    again(`${STOPPED}: asked again`);
    return 'again';
  }
  if (step.sql !== undefined || step.sql_file !== undefined) {
    const p = item.progress;
    const known = !p
      ? 'no statement of it was sent'
      : `${p.committed > 0 ? `${firstStatements(p.committed, p.total)} committed` : `none of its ${p.total} statements committed`}${p.inFlight ? `, and whether ${p.inFlight.commit ? 'its COMMIT' : `statement ${p.inFlight.index + 1}`} took effect is unknown` : ''}`;
    say(`reconciling: ${STOPPED}; the journal shows ${known}`);
    // Interrupted as unknown while something is in flight, so that it stays in flight until it is settled.
    io.emit({ type: 'item_interrupted', key, reason: `${STOPPED}: it continues after what committed`, at: io.clock(), ...(p?.inFlight ? { unknown: true } : {}) });
    io.emit({ type: 'item_retry', key, at: io.clock() });
    return 'again';
  }
  if (step.verify.length === 0) {
    say(`reconciling: ${STOPPED}, and it has no verification to tell whether it took effect`);
    io.emit({ type: 'item_interrupted', key, reason: `reconciled: UNKNOWN — ${STOPPED} and it has no verification; check the database by hand, then retry it${item.skippable ? ' or skip it with a reason' : ''}`, at: io.clock() });
    return 'unknown';
  }
  say(`reconciling: ${STOPPED}; running its verification again (${step.verify.length} check${step.verify.length === 1 ? '' : 's'})`);
  const started = io.clock();
  const verdicts: Verdict[] = [];
  for (const check of step.verify) {
    const out = await io.verify(check);
    verdicts.push(...out.verdicts);
    if (out.error) {
      io.emit({ type: 'item_interrupted', key, reason: `reconciled: UNKNOWN — its verification could not run (${out.error.message}); retry it or check by hand`, at: io.clock() });
      return 'unknown';
    }
  }
  if (verdicts.every((v) => v.ok)) {
    say('reconciled: DONE — every verification passes, so the step took effect');
    io.emit({ type: 'item_finished', key, verdicts, durationMs: io.clock() - started, at: io.clock() });
    return 'done';
  }
  const failed = verdicts.filter((v) => !v.ok).map(verdictSentence);
  say(`reconciled: NOT DONE — ${failed.join('; ')}`);
  again(`reconciled: NOT DONE — its verification fails, so it runs again`);
  return 'not done';
}
