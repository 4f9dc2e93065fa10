// The soak gate's checks: after the soak time, the runbook's step
// verifications are run again on each target the wave finished, read-only
// checks through the same executor a run uses. A target that no longer
// passes them counts as failed.
import { connect } from '../exec/postgres/index.js';
import type { Runbook } from '../runbook/load.js';
import { runCheck } from '../run/executor.js';
import { targetUrl } from './target-url.js';
import type { Answers, TargetRow } from './control.js';

export async function soakCheck(rb: Runbook, target: TargetRow, answers: Answers): Promise<string | null> {
  const checks = rb.steps.flatMap((s) => s.verify.filter((c) => !c.confirm && !c.speedup).map((c) => ({ step: s, check: c })));
  if (!checks.length) return null;
  let session;
  try {
    session = await connect(targetUrl(target.connection), { applicationName: `runbook soak ${rb.id}` });
  } catch (e) {
    return `soak: cannot connect (${(e as Error).message})`;
  }
  try {
    for (const { step, check } of checks) {
      const { verdicts } = await runCheck({ runbook: rb, target: session, targetUrl: '', inputs: answers.inputs }, check, () => {});
      const bad = verdicts.find((v) => !v.ok);
      if (bad) return `soak: step ${step.id}, check "${check.title ?? bad.label}" no longer passes: expected ${bad.expected}, found ${bad.actual}`;
    }
    return null;
  } catch (e) {
    return `soak: ${(e as Error).message}`;
  } finally {
    await session.close().catch(() => {});
  }
}
