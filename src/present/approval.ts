// The words of step approvals (runbook approve): what a run waits for, and
// who approved. The screen, plain output, watchers and webhooks share them.
import type { ItemApproval, ItemState, RunState } from '../engine/state.js';
import { oneLine } from './words.js';

/** What the run waits for now, in words, or undefined: a step's approval that was asked for and not given yet. */
export function waitingFor(state: RunState): string | undefined {
  if (state.ended) return undefined;
  const item = state.items.find((i) => i.approval && i.approval.at === undefined && (i.status === 'pending' || i.status === 'failed' || i.status === 'interrupted'));
  return item ? approvalWaitWords(item) : undefined;
}

/** "approval of step “Drop the old table” (destructive) — another role gives it with runbook approve RUN". */
export function approvalWaitWords(item: Pick<ItemState, 'title' | 'approval'>, runId?: string): string {
  const why = item.approval ? ` (${oneLine(item.approval.reason, 120)})` : '';
  return `approval of step “${oneLine(item.title, 80)}”${why} — another database role gives it with \`runbook approve${runId ? ` ${runId}` : ''}\``;
}

/** "approved by alice@host as database role reviewer". */
export function approvedWords(a: ItemApproval): string {
  return `approved by ${a.by ?? '?'} as database role ${a.role ?? '?'}`;
}
