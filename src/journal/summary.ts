// What a run did, read from its journal alone: the model every report format
// (Markdown, JSON, JUnit) is written from. No runbook file is needed, so a run
// can be reported on any machine that has its journal.
import type { Decision, InputValue, ItemState, StepFinding, TargetInfo } from '../engine/state.js';
import type { LockAttempt, LockTrace } from '../exec/types.js';
import type { Journal, RollbackPlanRecord } from './journal.js';
import { journalStatus, replayJournal, type Outcome } from './replay.js';
import { noticeWords } from '../present/output.js';

export interface StatementReport {
  attempt: number;
  index: number;
  line: number;
  text: string;
  command?: string;
  rowCount?: number | null;
  durationMs?: number;
  outcome: 'ok' | 'failed' | 'unfinished';
}

/** An item as the run's state has it (without its on-screen output), plus what the journal adds. */
export interface ItemReport extends Pick<ItemState, 'key' | 'kind' | 'id' | 'title' | 'status' | 'attempts' | 'durationMs' | 'verdicts' | 'error' | 'skipReason'> {
  shell?: string;
  statements: StatementReport[];
  notices: string[];
  /** Notes the tool made (reconciliation after a stop, and the like). */
  notes: string[];
  output: string[];
  fixes: { entryId: string; ok: boolean; at: number }[];
  /** The lock model's findings as journalled when the step last started (accepted ones with their reason). */
  findings: StepFinding[];
  /** The lock guard's attempts (who blocked each, how long the queue behind grew) and --trace-locks' traces. */
  locks?: { attempts: LockAttempt[]; traces: LockTrace[] };
}

export interface RunReport {
  runId: string;
  runbook: { id: string; title: string; file: string; sha256: string };
  kind: string;
  procedureId?: string;
  rollbackOf?: string;
  target: string;
  pinned: TargetInfo | null;
  /** Who ran it, each time; `flags`: the flags that decided in their place (--yes, --confirm-danger, --retry, …). */
  sessions: { action: 'started' | 'resumed'; operator: string; flags: string[]; pid: number; at: number }[];
  startedAt: number;
  endedAt?: number;
  outcome: Outcome;
  reason?: string;
  inputs: Record<string, InputValue>;
  items: ItemReport[];
  decisions: Decision[];
  rollbackPlan: RollbackPlanRecord['steps'] | null;
  notes: { at: number; text: string }[];
  /** The process died mid-write: the half line it left was set aside. */
  tornTail: boolean;
}

const OUTPUT_KEPT = 200;

export function buildReport(journal: Journal): RunReport {
  const { header } = journal;
  const state = replayJournal(journal);
  const status = journalStatus(journal);
  const items = new Map<string, ItemReport>(
    state.items.map((it) => [
      it.key,
      {
        key: it.key,
        kind: it.kind,
        id: it.id,
        title: it.title,
        status: it.status,
        attempts: it.attempts,
        durationMs: it.durationMs,
        shell: header.items.find((h) => h.key === it.key)?.shell,
        statements: [],
        verdicts: it.verdicts,
        error: it.error,
        notices: [],
        notes: [],
        output: [],
        skipReason: it.skipReason,
        fixes: [],
        findings: [],
        ...(it.locks && (it.locks.attempts.length > 0 || it.locks.traces.length > 0) ? { locks: { attempts: it.locks.attempts, traces: it.locks.traces } } : {}),
      },
    ]),
  );
  const attempt = new Map<string, number>();
  const report: RunReport = {
    runId: header.runId,
    runbook: header.runbook,
    kind: header.kind,
    procedureId: header.procedureId,
    rollbackOf: header.rollbackOf,
    target: header.target,
    pinned: state.target,
    sessions: [{ action: 'started', operator: header.operator, flags: header.flags ?? [], pid: header.pid, at: header.startedAt }],
    startedAt: header.startedAt,
    endedAt: status.endedAt,
    outcome: status.outcome,
    reason: status.reason,
    inputs: state.inputs ?? {},
    items: [...items.values()],
    decisions: state.decisions,
    rollbackPlan: null,
    notes: [],
    tornTail: journal.tornTail !== undefined,
  };
  for (const r of journal.records) {
    if (r.record === 'session') report.sessions.push({ action: r.action, operator: r.operator, flags: r.flags ?? [], pid: r.pid, at: r.at });
    else if (r.record === 'rollback_plan') report.rollbackPlan = r.steps;
    else if (r.record === 'note') report.notes.push({ at: r.at, text: r.text });
    if (r.record !== 'event') continue;
    const e = r.event;
    const item = 'key' in e ? items.get(e.key) : undefined;
    if (!item) continue;
    if (e.type === 'item_started') {
      attempt.set(e.key, (attempt.get(e.key) ?? 0) + 1);
      if (e.findings) item.findings = e.findings;
    }
    else if (e.type === 'fix_finished') item.fixes.push({ entryId: e.entryId, ok: e.ok, at: e.at });
    else if (e.type === 'item_finished' && e.error?.statementIndex !== undefined) {
      const failed = [...item.statements].reverse().find((s) => s.index === e.error!.statementIndex && s.outcome === 'unfinished');
      if (failed) failed.outcome = 'failed';
    } else if (e.type === 'item_output') {
      for (const x of e.events) {
        if (x.type === 'statement_started') item.statements.push({ attempt: attempt.get(e.key) ?? 0, index: x.index, line: x.line, text: x.text, outcome: 'unfinished' });
        else if (x.type === 'statement_finished') {
          const s = [...item.statements].reverse().find((st) => st.index === x.index && st.outcome === 'unfinished');
          if (s) Object.assign(s, { command: x.command, rowCount: x.rowCount, durationMs: x.durationMs, outcome: 'ok' });
        } else if (x.type === 'notice') item.notices.push(noticeWords(x));
        else if (x.type === 'info') item.notes.push(x.message);
        else if (x.type === 'output' && item.output.length < OUTPUT_KEPT) item.output.push(x.line);
      }
    }
  }
  return report;
}
