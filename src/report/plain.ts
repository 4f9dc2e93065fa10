// Plain-text renderer: one line per thing that happened, for CI logs and
// for terminals where the screen is not wanted. Subscribes to the session.
import type { Verdict } from '../checks/verdict.js';
import type { RunEvent } from '../engine/events.js';
import { findItem } from '../engine/plan.js';
import { commandTag, committedText, formatMs, resolvedText } from '../engine/reducer.js';
import type { ItemState, RunState } from '../engine/state.js';
import type { ExecError, ExecEvent } from '../exec/types.js';
import type { Runbook } from '../runbook/load.js';
import type { TroubleshootingEntry } from '../runbook/schema.js';
import { formatTarget } from '../exec/postgres/target.js';
import { attemptText, queueText, traceSummary, traceText } from './lock-words.js';
import { stepFindingLines } from '../present/findings.js';

export type Write = (text: string) => void;

export function verdictLines(v: Verdict): string[] {
  // A pass also shows what was seen (a version, a count, a speed-up): the operator learns the real figure.
  if (v.ok) return [`  ✓ ${v.label}${v.actual ? ` — ${oneLine(v.actual, 120)}` : ''}`];
  return [`  ✗ ${v.label}`, `      expected: ${v.expected}`, `      actual:   ${v.actual}`];
}

export function errorLines(e: ExecError): string[] {
  const at = e.line ? ` at ${e.file ? `${e.file}:` : 'line '}${e.line}${e.column ? `:${e.column}` : ''}` : '';
  const lines = [`  ✗ ${e.kind === 'sql' ? 'SQL error' : e.kind === 'timeout' ? 'timed out' : e.kind === 'cancelled' ? 'cancelled' : 'error'}${e.sqlstate ? ` ${e.sqlstate}` : ''}${at}: ${e.message}`];
  if (e.statementIndex !== undefined && e.statement) lines.push(`      in statement ${e.statementIndex + 1}: ${oneLine(e.statement, 160)}`);
  if (e.detail) lines.push(`      detail: ${e.detail}`);
  if (e.hint) lines.push(`      hint: ${e.hint}`);
  if (e.where) lines.push(`      where: ${oneLine(e.where, 160)}`);
  return lines;
}

export function troubleshootingLines(entries: readonly TroubleshootingEntry[]): string[] {
  if (entries.length === 0) return [];
  const lines = ['', 'Troubleshooting that matches:'];
  for (const t of entries) {
    lines.push(`  • ${t.title} [${t.id}]`);
    if (t.cause) lines.push(`      cause: ${oneLine(t.cause, 200)}`);
    if (t.fix?.explain) lines.push(`      fix: ${oneLine(t.fix.explain, 200)}`);
    const action = t.fix?.sql ?? t.fix?.shell ?? t.fix?.sql_file;
    if (action) lines.push(`      fix runs: ${oneLine(action, 200)}`);
  }
  return lines;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function heading(state: RunState, item: ItemState): string {
  const same = state.items.filter((i) => i.kind === item.kind);
  const n = same.findIndex((i) => i.key === item.key) + 1;
  return `── ${item.kind} ${n}/${same.length}: ${item.title}${item.attempts > 1 ? ` (attempt ${item.attempts})` : ''}`;
}

/** What an item's action reported, as its line in the plain output. */
function outputText(e: ExecEvent): string {
  switch (e.type) {
    case 'statement_started':
      return `  > ${oneLine(e.text, 200)}`;
    case 'statement_finished':
      return `    ${commandTag(e.command, e.rowCount)} (${formatMs(e.durationMs)})`;
    case 'notice':
      return `    ${e.severity}: ${e.message}`;
    case 'output':
      return `    ${e.line}`;
    case 'info':
      return `    note: ${e.message}`;
    case 'commit_started':
      return '  > COMMIT';
    case 'committed':
      return `    ${committedText(e)}`;
    case 'resolved':
      return `    note: ${resolvedText(e)}`;
    case 'rows':
      return `    ${rowsPreview(e.columns, e.rows, e.total)}`;
    case 'lock_queue':
      return `    ${queueText(e.index, e.sample)}`;
    case 'lock_attempt':
      return `    ${attemptText(e.attempt)}`;
    case 'lock_trace':
      return `    ${traceText(e.trace)}`;
  }
}

/** Prints a run as it happens. Returns the listener to subscribe. */
export function plainRenderer(rb: Runbook, write: Write): (state: RunState, event: RunEvent) => void {
  return (state, event) => {
    const item = 'key' in event ? findItem(state, event.key) : undefined;
    switch (event.type) {
      case 'inputs_set': {
        const shown = Object.entries(event.inputs).map(([k, v]) => `${k}=${rb.inputs[k]?.secret ? '***' : JSON.stringify(v)}`);
        if (shown.length) write(`inputs: ${shown.join(' ')}`);
        return;
      }
      case 'target_pinned':
        write(`target: ${formatTarget(event.target)}`);
        return;
      case 'item_started':
        write('');
        write(heading(state, item!));
        // What the step will do to others, before it does it: locks, rewrites, scans, and what was accepted.
        for (const f of event.findings ?? []) write(stepFindingLines(f).join('\n'));
        return;
      case 'item_output':
        // A burst is written in one go: a storm of notices is thousands of lines.
        write(event.events.map(outputText).join('\n'));
        return;
      case 'item_finished':
        // When the action itself failed, the error block says it all (with position, detail and hint).
        for (const v of event.verdicts) if (!(event.error && !v.ok && v.expected === 'succeeds')) write(verdictLines(v).join('\n'));
        if (event.error) write(errorLines(event.error).join('\n'));
        write(`  ${item!.status === 'passed' ? 'passed' : 'FAILED'} in ${formatMs(event.durationMs)}`);
        return;
      case 'item_confirmed':
        write(`  ✓ confirmed: ${event.text}`);
        return;
      case 'item_interrupted':
        write(`  ✗ interrupted: ${event.reason}`);
        return;
      case 'item_skipped':
        write(`  skipped: ${event.reason}`);
        return;
      case 'fix_finished':
        write(`  fix ${event.entryId}: ${event.ok ? 'ran' : 'failed'}`);
        return;
      case 'run_ended': {
        write('');
        const traced = traceSummary(state);
        if (traced) write(traced);
        write(`run ${event.outcome}${event.reason ? `: ${event.reason}` : ''}`);
        return;
      }
      default:
        return;
    }
  };
}

function rowsPreview(columns: string[], rows: unknown[][], total: number): string {
  if (rows.length === 0) return `(${total} rows)`;
  const shown = rows.slice(0, 5).map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join(' | '));
  return [`${columns.join(' | ')}`, ...shown, `(${total} row${total === 1 ? '' : 's'})`].join('\n    ');
}
