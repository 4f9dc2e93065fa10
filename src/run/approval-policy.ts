// Which steps wait for a second person's approval before they run: those the
// author marked (approve:), and by the runbook's approvals: setting, those
// that change data when the runbook's risk is high enough, and destructive ones.
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import { changesData, dangerReasons } from './danger.js';

const RISK = ['low', 'medium', 'high', 'critical'] as const;

/** Why this step needs an approval, or undefined when it does not. */
export function approvalReason(rb: Runbook, step: Step): string | undefined {
  if (step.approve !== undefined) return step.approve === true ? 'the runbook asks for a second person on this step' : step.approve;
  const policy = rb.approvals;
  if (!policy) return undefined;
  if (policy.destructive) {
    const danger = dangerReasons(rb, step);
    if (danger.length) return `destructive: ${danger.join('; ')}`;
  }
  if (policy.risk && RISK.indexOf(rb.risk) >= RISK.indexOf(policy.risk) && changesData(rb, step)) return `a ${rb.risk}-risk runbook, and this step changes data`;
  return undefined;
}
