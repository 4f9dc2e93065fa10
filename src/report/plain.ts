// Plain-text renderer: one line per thing that happened, for CI logs and
// for terminals where the screen is not wanted. Subscribes to the session.
import { approvalWaitWords, approvedWords } from '../present/approval.js';
import type { RunEvent } from '../engine/events.js';
import { findItem } from '../engine/plan.js';
import type { ItemState, RunState } from '../engine/state.js';
import type { ExecEvent } from '../exec/types.js';
import { fixWords } from '../present/decision.js';
import { duration } from '../present/duration.js';
import { errorText } from '../present/error.js';
import { outputWords } from '../present/output.js';
import { PLAIN_CELL_LINES, PLAIN_COLUMN_WIDTH, tableText } from '../present/table.js';
import { targetLine } from '../present/target.js';
import { verdictText } from '../present/verdict.js';
import { oneLine } from '../present/words.js';
import type { Runbook } from '../runbook/load.js';
import type { Troubleshooting } from '../checks/troubleshoot.js';
import { MATCHES_HEADING, OTHER_HEADING, troubleshootingSummary } from '../present/troubleshoot.js';
import { traceSummary } from '../present/locks.js';
import { stepFindingLines } from '../present/findings.js';

export type Write = (text: string) => void;

export function troubleshootingLines(help: Troubleshooting): string[] {
  if (help.entries.length === 0) return [];
  const lines = ['', `Troubleshooting: ${troubleshootingSummary(help)}.`];
  help.entries.forEach((t, i) => {
    if (i === 0 && help.matched > 0) lines.push(MATCHES_HEADING);
    if (i === help.matched) lines.push(OTHER_HEADING);
    lines.push(`  • ${t.title} [${t.id}]`);
    if (t.cause) lines.push(`      cause: ${oneLine(t.cause, 200)}`);
    if (t.fix?.explain) lines.push(`      fix: ${oneLine(t.fix.explain, 200)}`);
    const action = t.fix?.sql ?? t.fix?.shell ?? t.fix?.sql_file;
    if (action) lines.push(`      fix runs: ${oneLine(action, 200)}`);
  });
  return lines;
}

function heading(place: { n: number; of: number }, item: ItemState): string {
  return `── ${item.kind} ${place.n}/${place.of}: ${item.title}${item.attempts > 1 ? ` (attempt ${item.attempts})` : ''}`;
}

/**
 * Each item's place among the items of its kind ("step 3 of 500"). A run's
 * items keep their kinds and order, so the places are counted once per list
 * of items, not with a pass over every item for each heading.
 */
function placesOf(): (state: RunState, item: ItemState) => { n: number; of: number } {
  let places = new Map<string, { n: number; of: number; index: number }>();
  let counted: readonly ItemState[] | undefined;
  return (state, item) => {
    const at = places.get(item.key);
    // Counted again when the list is another one: another length, or another item in this place.
    if (!counted || counted.length !== state.items.length || !at || state.items[at.index]?.key !== item.key || state.items[at.index].kind !== item.kind) {
      counted = state.items;
      places = new Map();
      const seen = new Map<string, number>();
      const totals = new Map<string, number>();
      for (const it of state.items) totals.set(it.kind, (totals.get(it.kind) ?? 0) + 1);
      state.items.forEach((it, index) => {
        const n = (seen.get(it.kind) ?? 0) + 1;
        seen.set(it.kind, n);
        if (!places.has(it.key)) places.set(it.key, { n, of: totals.get(it.kind)!, index });
      });
    }
    return places.get(item.key)!;
  };
}

/** What an item's action reported, as its lines in the plain output: present's words, indented. */
function outputText(e: ExecEvent): string {
  switch (e.type) {
    case 'statement_started':
      return `  > ${outputWords(e)}`;
    case 'info':
      return `    note: ${outputWords(e)}`;
    case 'commit_started':
      return `  > ${outputWords(e)}`;
    case 'resolved':
      return `    note: ${outputWords(e)}`;
    case 'rows':
      // psql's aligned table, NULL empty as in psql.
      return tableText(e, { maxRows: PLAIN_TABLE_ROWS, maxColumnWidth: PLAIN_COLUMN_WIDTH, maxCellLines: PLAIN_CELL_LINES }).map((l) => `    ${l}`).join('\n');
    default:
      return `    ${outputWords(e)}`;
  }
}

/** A result set prints its first rows in plain output (and the count of all). */
const PLAIN_TABLE_ROWS = 20;

/** Prints a run as it happens. Returns the listener to subscribe. */
export function plainRenderer(rb: Runbook, write: Write): (state: RunState, event: RunEvent) => void {
  const place = placesOf();
  return (state, event) => {
    // Looked up only by the events that show the item (not by each burst of output).
    const item = 'key' in event && event.type !== 'item_output' ? findItem(state, event.key) : undefined;
    switch (event.type) {
      case 'inputs_set': {
        const shown = Object.entries(event.inputs).map(([k, v]) => `${k}=${rb.inputs[k]?.secret ? '***' : JSON.stringify(v)}`);
        if (shown.length) write(`inputs: ${shown.join(' ')}`);
        return;
      }
      case 'target_pinned':
        write(`target: ${targetLine(event.target)}`);
        return;
      case 'item_started':
        write('');
        write(heading(place(state, item!), item!));
        // What the step will do to others, before it does it: locks, rewrites, scans, and what was accepted.
        for (const f of event.findings ?? []) write(stepFindingLines(f).join('\n'));
        return;
      case 'item_output':
        // A burst is written in one go: a storm of notices is thousands of lines.
        write(event.events.map(outputText).join('\n'));
        return;
      case 'item_finished':
        // When the action itself failed, the error block says it all (with position, detail and hint).
        for (const v of event.verdicts) if (!(event.error && !v.ok && v.expected === 'succeeds')) write(verdictText(v).join('\n'));
        if (event.error) write(errorText(event.error, '  ').join('\n'));
        write(`  ${item!.status === 'passed' ? 'passed' : 'FAILED'} in ${duration(event.durationMs)}`);
        return;
      case 'item_confirmed':
        // A flag's yes was said by the plain operator when it was given ("auto-confirmed (--yes) by …").
        if (!event.auto) write(`  ✓ confirmed: ${event.text}`);
        return;
      case 'item_interrupted':
        write(`  ✗ interrupted: ${event.reason}`);
        return;
      case 'item_skipped':
        write(`  skipped: ${event.reason}`);
        return;
      case 'fix_finished':
        write(`  ${fixWords(event.entryId, event.ok)}`);
        return;
      case 'approval_requested':
        write('');
        write(`── waiting for ${approvalWaitWords(item!)}`);
        return;
      case 'approval_given':
        write(`  ✓ ${approvedWords(item!.approval!)}`);
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
