// The step view: what the item is, what it runs, what was expected, what
// happened (live), and the verdicts. Split into a pinned part (status, clock,
// the server's own progress, who blocks us) that never scrolls away, and a
// body that scrolls.
import type { Verdict } from '../../checks/verdict.js';
import type { ItemState, OutputLine } from '../../engine/state.js';
import type { ExecError } from '../../exec/types.js';
import type { MonitorSample } from '../../exec/postgres/monitor.js';
import type { Check, Step } from '../../runbook/schema.js';
import { queueText } from '../../present/locks.js';
import { highlightSql } from '../highlight.js';
import { shellLines, sqlLines } from './code.js';
import { beside, blank, clipLines, fit, plain, seg, wrapLine, type Line, type Tone } from '../line.js';
import { stepOf, type UiState } from '../state.js';
import { clean, lines as splitLines, oneLine, wrap } from '../text.js';
import { decisionWords } from '../../present/decision.js';
import { stepFindingLines } from '../../present/findings.js';
import { clock, duration, timestamp } from '../../present/duration.js';
import { errorBlock } from '../../present/error.js';
import { outputWords } from '../../present/output.js';
import { centre, rowLines, tableLayout, type TableInput } from '../../present/table.js';
import { count, NULL_WORD } from '../../present/value.js';
import { ACTUAL, EXPECTED, MARK } from '../../present/verdict.js';
import { columns, padColumns } from '../../present/width.js';
import { joinRows, lazyRows, type Rows } from './rows.js';

export interface DetailParts {
  pinned: Line[];
  /** Built only where a window looks at it (rows.ts): all of it can be 500 output lines and more. */
  body: Rows;
  followsTail: boolean;
}

export const STATUS: Record<ItemState['status'], { icon: string; word: string; tone: Tone }> = {
  pending: { icon: '○', word: 'PENDING', tone: 'muted' },
  running: { icon: '▶', word: 'RUNNING', tone: 'accent' },
  passed: { icon: '✓', word: 'PASSED', tone: 'ok' },
  failed: { icon: '✗', word: 'FAILED', tone: 'bad' },
  skipped: { icon: '↷', word: 'SKIPPED', tone: 'warn' },
  interrupted: { icon: '■', word: 'INTERRUPTED', tone: 'bad' },
  rolled_back: { icon: '↺', word: 'ROLLED BACK', tone: 'warn' },
};

const KIND_WORD: Record<ItemState['kind'], string> = { prerequisite: 'prerequisite', step: 'step', checklist: 'checklist' };

/** The runbook text behind an item: what it runs and how it is judged. */
export interface ItemSource {
  explain?: string;
  sql?: string;
  sqlFile?: string;
  shell?: string;
  confirm?: string;
  connection?: string;
  expected?: string;
  timeout?: string | number;
  transaction?: string;
  verify: Check[];
  rollback?: string;
  danger?: boolean;
  irreversible?: boolean;
}

export function itemSource(ui: UiState, item: ItemState): ItemSource {
  const rb = ui.runbook;
  if (item.kind === 'step') {
    const s = stepOf(ui, item) as Step | undefined;
    if (!s) return { verify: [] };
    return {
      explain: s.explain,
      sql: s.sql ?? (s.sql_file !== undefined ? rb.sqlFiles.get(s.sql_file) : undefined),
      sqlFile: s.sql_file,
      shell: s.shell,
      confirm: s.confirm,
      connection: s.connection,
      expected: s.expected,
      timeout: s.timeout,
      transaction: s.transaction,
      verify: s.verify,
      rollback: s.rollback ? (s.rollback.sql ?? s.rollback.shell ?? (s.rollback.sql_file ? `(SQL file ${s.rollback.sql_file})` : s.rollback.confirm)) : undefined,
      danger: s.danger,
      irreversible: s.irreversible,
    };
  }
  if (item.kind === 'prerequisite') {
    const c = rb.prerequisites.find((p, i) => (p.id ?? `check-${i + 1}`) === item.id);
    if (!c) return { verify: [] };
    return {
      sql: c.sql ?? (c.sql_file !== undefined ? rb.sqlFiles.get(c.sql_file) : undefined),
      sqlFile: c.sql_file,
      shell: c.shell,
      confirm: c.confirm,
      connection: c.connection,
      timeout: c.timeout,
      verify: [],
    };
  }
  return { confirm: item.title, verify: [] };
}

function timeoutText(t: string | number | undefined): string | undefined {
  if (t === undefined) return undefined;
  return typeof t === 'number' ? duration(t) : t;
}

function numberOf(ui: UiState, item: ItemState): string {
  const same = ui.run.items.filter((i) => i.kind === item.kind);
  return `${KIND_WORD[item.kind]} ${same.findIndex((i) => i.key === item.key) + 1}/${same.length}`;
}

export function detailParts(ui: UiState, item: ItemState | undefined, width: number): DetailParts {
  if (!item) return { pinned: [], body: [plain('Nothing to show.', { tone: 'muted' })], followsTail: false };
  const src = itemSource(ui, item);
  const pinned = pinnedLines(ui, item, src, width).map((l) => fit(l, width));
  pinned.push(plain('─'.repeat(width), { tone: 'muted' }));
  const body = joinRows(bodyParts(ui, item, src, width), (l) => fit(l, width));
  const followsTail = item.output.length > 0 || item.verdicts.length > 0 || !!item.error || item.status === 'running';
  return { pinned, body, followsTail };
}

function pinnedLines(ui: UiState, item: ItemState, src: ItemSource, width: number): Line[] {
  const st = STATUS[item.status];
  const out: Line[] = clipLines(wrapLine([seg(`${st.icon} ${st.word}`, { tone: st.tone, bold: true }), seg(`  ${numberOf(ui, item)}  `, { tone: 'muted' }), seg(oneLine(item.title), { bold: true })], width), 2, width);
  const meta: Line = [];
  const add = (text: string, tone?: Tone, bold?: boolean) => {
    if (meta.length) meta.push(seg(' · ', { tone: 'muted' }));
    meta.push(seg(text, { ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) }));
  };
  const timeout = timeoutText(src.timeout);
  switch (item.status) {
    case 'running': {
      const since = item.startedAt ?? ui.now;
      add(`running ${clock(ui.now - since)}${timeout ? ` / timeout ${timeout}` : ''}`, 'accent', true);
      if (ui.cancelling !== null) add('cancelling on the server…', 'warn', true);
      break;
    }
    case 'passed':
      if (item.durationMs !== undefined) add(`passed in ${duration(item.durationMs)}`, 'ok');
      else add('confirmed', 'ok');
      break;
    case 'failed':
      add(`failed${item.durationMs !== undefined ? ` after ${duration(item.durationMs)}` : ''}`, 'bad', true);
      add('blocked: choose below', 'bad');
      break;
    case 'interrupted':
      add('interrupted', 'bad', true);
      add('blocked: choose below', 'bad');
      break;
    case 'skipped':
      add(`skipped: ${oneLine(item.skipReason ?? '')}`, 'warn');
      break;
    case 'rolled_back':
      add('rolled back', 'warn', true);
      break;
    case 'pending':
      add('not run yet', 'muted');
      if (timeout) add(`timeout ${timeout}`, 'muted');
      break;
  }
  if (item.attempts > 1) add(`attempt ${item.attempts}`, 'warn');
  if (src.danger || item.kind === 'step') {
    if (src.danger) add('destructive', 'bad', true);
    if (src.irreversible) add('irreversible', 'bad', true);
  }
  if (meta.length) out.push(meta);

  const stmt = ui.statements[item.key];
  if (item.status === 'running' && stmt) {
    const label = `statement ${stmt.index + 1}/${stmt.total} · line ${stmt.line} · ${clock(ui.now - stmt.startedAt)}  `;
    out.push([seg(label, { tone: 'accent' }), seg(oneLine(stmt.text, width), { dim: true })]);
  }
  if (ui.monitor?.key === item.key && (item.status === 'running' || ui.statements[item.key])) {
    out.push(...monitorLines(ui.monitor.sample, width, ui.now));
  }
  // The lock guard's view: the queue behind our strong lock, while there is one.
  const queue = item.status === 'running' ? item.locks?.queue : null;
  if (queue) {
    const tone: Tone = queue.sample.count > 0 ? 'warn' : 'accent';
    for (const l of wrap(queueText(queue.index, queue.sample), width)) out.push([seg(l, { tone, bold: queue.sample.count > 0 })]);
  }
  return out;
}

/** What the server says about our statement: its progress, and who blocks it. */
export function monitorLines(s: MonitorSample, width: number, _now: number): Line[] {
  const out: Line[] = [];
  for (const p of s.progress.slice(0, 2)) {
    const phase = p.phase ? `: ${p.phase}` : '';
    const on = p.relation ? ` on ${p.relation}` : '';
    const head = `server: ${p.command}${on}${phase}`;
    if (p.done !== null && p.total !== null && p.total > 0) {
      const pct = Math.min(100, Math.floor((p.done / p.total) * 100));
      const barWidth = Math.max(5, Math.min(20, Math.floor(width / 5)));
      const full = Math.round((pct / 100) * barWidth);
      out.push([
        seg(`[${'█'.repeat(full)}${'░'.repeat(barWidth - full)}] ${padColumns(`${pct}%`, 4, 'right')} `, { tone: 'accent', bold: true }),
        seg(p.phase ? `${p.phase} · ` : '', { bold: true }),
        seg(`${count(p.done)}/${count(p.total)} ${p.unit}`),
        seg(`  ${p.command}${on}`, { dim: true }),
      ]);
    } else {
      out.push([seg(head, { tone: 'accent' }), seg(p.done !== null ? `  ${count(p.done)} ${p.unit}` : '')]);
    }
  }
  if (s.waitingFor || s.blockers.length > 0) {
    const what = s.waitingFor ? `${s.waitingFor.mode} on ${s.waitingFor.relation ?? s.waitingFor.locktype}` : 'a lock';
    out.push([seg(`⚠ waiting${s.runningMs !== null ? ` ${clock(s.runningMs)}` : ''} for ${what}`, { tone: 'warn', bold: true }), seg(s.blockers.length ? ', held by:' : '', { tone: 'warn' })]);
    for (const b of s.blockers.slice(0, 2)) {
      const who = [b.user, b.application ? `(${b.application})` : null].filter(Boolean).join(' ');
      const since = b.state === 'active' ? b.queryAgeMs : (b.xactAgeMs ?? b.queryAgeMs);
      const state = `${b.state ?? '?'}${since !== null ? ` for ${duration(Math.round(since / 1000) * 1000)}` : ''}`;
      out.push([seg(`  pid ${b.pid} `, { tone: 'warn', bold: true }), seg(`${who} · ${state}: `, { tone: 'warn' }), seg(oneLine(b.query ?? '', width), { dim: true })]);
    }
    if (s.blockers.length > 2) out.push(plain(`  …and ${s.blockers.length - 2} more sessions`, { tone: 'warn' }));
  }
  return out;
}

function heading(text: string): Line {
  return [seg(text, { bold: true, tone: 'title', underline: true })];
}

/** The body in parts: lines before the output, the output (its rows built as they are shown), lines after it. */
function bodyParts(ui: UiState, item: ItemState, src: ItemSource, width: number): (Line[] | Rows)[] {
  const parts: (Line[] | Rows)[] = [];
  let out: Line[] = [];
  if (src.explain) {
    out.push(...markdownLines(src.explain, width));
    out.push(blank);
  }
  out.push(...runsLines(src, width));
  out.push(...findingLines(ui, item, width));
  if (src.verify.length > 0) {
    out.push(blank, plain('Then checks:', { tone: 'muted', bold: true }));
    for (const c of src.verify) out.push([seg('  • ', { tone: 'muted' }), seg(c.title)]);
  }
  if (src.rollback) out.push([seg('Rollback: ', { tone: 'muted', bold: true }), seg(oneLine(src.rollback), { dim: true })]);
  else if (item.kind === 'step') out.push(plain(src.irreversible ? 'Rollback: none — this step cannot be undone.' : 'Rollback: none in the runbook.', { tone: src.irreversible ? 'bad' : 'muted' }));

  const sideBySide = src.expected !== undefined && width >= 90;
  const half = Math.floor((width - 3) / 2);
  const output = outputRows(item, sideBySide ? width - half - 3 : width);
  const withOutput = () => {
    out.push(blank, heading('Output'));
    parts.push(out, output);
    out = [];
  };
  if (src.expected !== undefined) {
    out.push(blank);
    const expected = splitLines(src.expected.replace(/\n$/, '')).flatMap((t) => wrapLine([seg(t, { tone: 'muted' })], sideBySide ? half : width));
    if (sideBySide) {
      const right = output.length > 0 ? output.slice() : [plain(item.status === 'pending' ? '(not run yet)' : '(nothing yet)', { tone: 'muted' })];
      out.push(beside(heading('Expected'), heading('Output'), half));
      for (let i = 0; i < Math.max(expected.length, right.length); i++) out.push(beside(expected[i] ?? blank, right[i] ?? blank, half));
    } else {
      out.push(heading('Expected'), ...expected);
      if (output.length) withOutput();
    }
  } else if (output.length > 0) {
    withOutput();
  }

  if (item.verdicts.length > 0) {
    out.push(blank, heading('Checks'));
    for (const v of item.verdicts) out.push(...verdictLines(v, width));
  }
  if (item.error && !item.verdicts.some((v) => !v.ok && v.actual === item.error?.message)) {
    out.push(blank, ...errorLines(item.error, width));
  }
  const decisions = ui.run.decisions.filter((d) => d.key === item.key);
  if (decisions.length > 0) {
    out.push(blank, plain('Record:', { tone: 'muted', bold: true }));
    for (const d of decisions) {
      const when = timestamp(d.at).slice(11, 19);
      const what = decisionWords(d);
      out.push([seg(`  ${when}  `, { tone: 'muted' }), seg(oneLine(what))]);
    }
  }
  parts.push(out);
  return parts;
}

/**
 * What the step does to the people using the database (locks, rewrites, scans), in sight before it runs:
 * as judged for the pinned server once it started, as the runbook's load found them until then.
 */
function findingLines(ui: UiState, item: ItemState, width: number): Line[] {
  if (item.kind !== 'step') return [];
  const findings = item.findings ?? (ui.runbook.findings ?? []).filter((f) => f.step === item.id && f.procedure === ui.run.procedureId && f.part === undefined);
  if (findings.length === 0) return [];
  const out: Line[] = [blank, heading(`Findings (${findings.length}) — locks, rewrites, scans`)];
  for (const f of findings) {
    const [head, ...rest] = stepFindingLines(f, '');
    const tone: Tone | undefined = f.accepted ? 'muted' : f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : undefined;
    out.push(...wrapLine([seg(head, tone ? { tone } : {})], width));
    for (const line of rest) out.push(...wrapLine([seg(`  ${line}`, { tone: 'muted' })], width));
  }
  return out;
}

function runsLines(src: ItemSource, width: number): Line[] {
  const out: Line[] = [];
  const where = src.connection ? ` on connection “${src.connection}”` : '';
  if (src.sql !== undefined) {
    const label = src.sqlFile ? `SQL from ${src.sqlFile}${where}` : `SQL${where}`;
    out.push([seg(label, { tone: 'muted', bold: true }), seg(src.transaction && src.transaction !== 'auto' ? ` (transaction: ${src.transaction})` : '', { tone: 'muted' })]);
    out.push(...sqlLines(src.sql, width));
  } else if (src.shell !== undefined) {
    out.push(plain(`Shell command${where}`, { tone: 'muted', bold: true }));
    out.push(...shellLines(src.shell, width));
  } else if (src.confirm !== undefined) {
    out.push(plain('Manual — confirm when it is true:', { tone: 'muted', bold: true }));
    for (const l of wrap(src.confirm, width - 2)) out.push([seg('  '), seg(l, { bold: true })]);
  }
  return out;
}

/**
 * Markdown, lightly: paragraphs re-flowed to the width (source line breaks are
 * soft), headings bold, list items hanging, code blocks kept verbatim,
 * emphasis and code marks dropped.
 */
export function markdownLines(text: string, width: number): Line[] {
  const out: Line[] = [];
  const inline = (t: string) => t.replace(/\*\*(.+?)\*\*/g, '$1').replace(/__(.+?)__/g, '$1').replace(/`([^`]+)`/g, '$1');
  let para: string[] = [];
  let item: { lead: string; text: string[] } | null = null;
  const flush = () => {
    if (para.length) for (const l of wrap(inline(para.join(' ')), width)) out.push(plain(l));
    para = [];
    if (item) {
      const lead = item.lead;
      wrap(inline(item.text.join(' ')), Math.max(10, width - lead.length)).forEach((l, i) => out.push(plain(`${i === 0 ? lead : ' '.repeat(lead.length)}${l}`)));
    }
    item = null;
  };
  let fence = false;
  for (const raw of text.replace(/\s+$/, '').split('\n')) {
    if (/^\s*(```|~~~)/.test(raw)) {
      flush();
      fence = !fence;
      continue;
    }
    if (fence) {
      for (const piece of wrapLine([seg(clean(raw), { tone: 'accent' })], Math.max(10, width - 2))) out.push([seg('  '), ...piece]);
      continue;
    }
    if (raw.trim() === '') {
      flush();
      if (out.length && out[out.length - 1].length) out.push(blank);
      continue;
    }
    const heading = /^\s*#{1,6}\s+(.*)$/.exec(raw);
    if (heading) {
      flush();
      for (const l of wrap(inline(heading[1]), width)) out.push(plain(l, { bold: true }));
      continue;
    }
    const bullet = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(raw);
    if (bullet) {
      flush();
      item = { lead: `${bullet[1]}${/[-*+]/.test(bullet[2]) ? '-' : bullet[2]} `, text: [bullet[3]] };
      continue;
    }
    if (item) (item as { text: string[] }).text.push(raw.trim());
    else para.push(raw.trim());
  }
  flush();
  while (out.length && out[out.length - 1].length === 0) out.pop();
  return out;
}

/** A result set shows its first rows on the screen (the engine keeps ROWS_KEPT_PER_RESULT). */
export const TABLE_ROWS_SHOWN = 10;
/** A value of many lines shows its first few on the screen. */
export const TABLE_CELL_LINES = 4;

const OUTPUT_STYLE: Record<OutputLine['type'], { prefix: string; tone?: Tone }> = {
  statement_started: { prefix: '› ', tone: 'accent' },
  statement_finished: { prefix: '  ✓ ', tone: 'ok' },
  commit_started: { prefix: '› ', tone: 'accent' },
  committed: { prefix: '  ✓ ', tone: 'ok' },
  resolved: { prefix: '  note: ', tone: 'muted' },
  notice: { prefix: '  ', tone: 'warn' },
  output: { prefix: '' },
  info: { prefix: '  note: ', tone: 'muted' },
  rows: { prefix: '  ', tone: 'muted' },
  lock_queue: { prefix: '  ', tone: 'warn' },
  lock_attempt: { prefix: '  ', tone: 'warn' },
  lock_trace: { prefix: '  ', tone: 'muted' },
};

/** The item's output as it arrived: statements, their durations, notices, shell lines, result tables. */
export function outputLines(item: ItemState, width: number): Line[] {
  return outputRows(item, width).slice();
}

/** The same rows, each output line drawn only when a window shows it (rows.ts); how many rows each takes is known without drawing it. */
export function outputRows(item: ItemState, width: number): Rows {
  const dropped = item.outputDropped > 0 ? [plain(`… ${count(item.outputDropped)} earlier lines not kept (the newest ${item.output.length} are)`, { tone: 'muted' })] : [];
  const output = item.output;
  return joinRows([dropped, lazyRows(output.map((o) => drawn(o, width).rows), (i) => drawnLines(output[i], width))]);
}

/**
 * Each output line as last measured (and drawn, once shown), at the width it
 * was for. The run state keeps an output line as the same object from the
 * event that brought it to its last frame, so a step streaming notices
 * measures each new line once, not the 500 kept at every frame, and draws
 * only those a frame shows.
 */
const DRAWN = new WeakMap<OutputLine, { width: number; rows: number; lines?: readonly Line[] }>();

function drawn(o: OutputLine, width: number): { width: number; rows: number; lines?: readonly Line[] } {
  let d = DRAWN.get(o);
  if (d?.width !== width) {
    // A line that fits its row is one row (wrapLine keeps it whole): the common case, told without drawing it.
    const lines = o.type === 'statement_started' || (o.type !== 'rows' && fitsOneRow(o, width)) ? undefined : outputLineLines(o, width);
    DRAWN.set(o, (d = { width, rows: lines?.length ?? 1, ...(lines ? { lines } : {}) }));
  }
  return d;
}

function drawnLines(o: OutputLine, width: number): readonly Line[] {
  const d = drawn(o, width);
  return (d.lines ??= outputLineLines(o, width));
}

/** Whether outputLineLines gives one row for `o` (not a table, not a statement): its text is no wider than the row. */
function fitsOneRow(o: OutputLine, width: number): boolean {
  return columns(clean(outputWords(o))) <= Math.max(10, width - OUTPUT_STYLE[o.type].prefix.length);
}

/** One output line's rows at `width`, drawn (exported for the tests: what outputRows measures without drawing must agree with it). */
export function outputLineLines(o: OutputLine, width: number): Line[] {
  if (o.type === 'rows') return tableLines(o, width);
  const style = OUTPUT_STYLE[o.type];
  if (o.type === 'statement_started') return [[seg(style.prefix, { tone: 'accent', bold: true }), ...highlightSql(oneLine(o.text))[0]]];
  const tone = o.type === 'output' ? (o.stream === 'stderr' ? 'warn' : undefined) : style.tone;
  // Output keeps its spacing (psql tables, aligned logs); long lines break, very long ones are cut short.
  const wrapped = wrapLine([seg(clean(outputWords(o)), tone ? { tone } : {})], Math.max(10, width - style.prefix.length));
  const shown = wrapped.length > 6 ? [...wrapped.slice(0, 5), plain(`… (${wrapped.length - 5} more lines)`, { tone: 'muted' })] : wrapped;
  return shown.map((l, j) => [seg(j === 0 ? style.prefix : ' '.repeat(style.prefix.length), tone ? { tone } : {}), ...l]);
}

/**
 * A result set as psql lays it out (src/present/table.ts): names bold, rules, NULL and psql's + (a value
 * going on to the next line) dimmed, the first rows and the exact total; each value at most a few lines.
 */
export function tableLines(t: TableInput, width: number): Line[] {
  const options = { nullAs: NULL_WORD, maxRows: TABLE_ROWS_SHOWN, maxCellLines: TABLE_CELL_LINES };
  const natural = tableLayout(t, options).widths;
  const l = tableLayout(t, { ...options, maxColumnWidth: fairWidth(natural, width - 3 - 3 * Math.max(0, natural.length - 1)) });
  if (l.header.length === 0) return [plain(`  ${l.footer}`, { tone: 'muted' })];
  const mark = (more: boolean, i: number) => seg(`${more ? '+' : ' '}${i < l.header.length - 1 ? '│ ' : ''}`, { tone: 'muted' });
  const out: Line[] = [];
  for (const h of rowLines(l.header, (text, i) => seg(centre(text, l.widths[i]), { bold: true }), mark)) out.push([seg('  '), ...h]);
  out.push([seg(' '), seg(l.widths.map((w) => '─'.repeat(w + 2)).join('┼'), { tone: 'muted' })]);
  for (const r of l.rows) {
    const draw = (text: string, i: number) => seg(padColumns(text, l.widths[i], l.align[i]), r[i].isNull ? { tone: 'muted' } : {});
    for (const line of rowLines(r.map((c) => c.lines), draw, mark)) out.push([seg('  '), ...line]);
  }
  out.push(plain(`  ${l.footer}`, { tone: 'muted' }));
  return out;
}

/**
 * The widest a column may be so that the table fits `room` columns: narrow columns keep their
 * width, the wide ones share what is left (never under 6, where a table is too wide to fit anyway).
 */
function fairWidth(widths: number[], room: number): number {
  let cap = Math.max(0, ...widths);
  const total = (c: number) => widths.reduce((n, w) => n + Math.min(w, c), 0);
  while (cap > 6 && total(cap) > room) cap--;
  return cap;
}

export function verdictLines(v: Verdict, width: number): Line[] {
  if (v.ok) return [[seg(`  ${MARK.ok} `, { tone: 'ok', bold: true }), seg(v.label), seg(`  ${oneLine(v.actual, Math.max(0, width - v.label.length - 6))}`, { tone: 'muted' })]];
  const out: Line[] = wrapLine([seg(oneLine(v.label), { tone: 'bad', bold: true })], Math.max(10, width - 4)).slice(0, 3).map((l, i) => [seg(i === 0 ? `  ${MARK.bad} ` : '    ', { tone: 'bad', bold: true }), ...l]);
  const labelled = (label: string, text: string, tone?: Tone) =>
    wrap(text, width - 6 - label.length).forEach((l, i) => out.push([seg(`      ${i === 0 ? label : ' '.repeat(label.length)}`, { tone: 'muted' }), seg(l, tone ? { tone } : {})]));
  labelled(EXPECTED, v.expected);
  labelled(ACTUAL, v.actual, 'bad');
  return out;
}

/** present's error block, coloured and wrapped: the title bold, the message in red, psql's caret lines as they are. */
export function errorLines(e: ExecError, width: number): Line[] {
  const b = errorBlock(e, width - 2);
  const out: Line[] = [[seg(`${MARK.bad} ${b.title}`, { tone: 'bad', bold: true })]];
  for (const l of wrap(b.message, width - 2)) out.push([seg('  '), seg(l, { tone: 'bad' })]);
  for (const l of b.caret) out.push([seg('  '), seg(clean(l), { tone: 'accent' })]);
  for (const d of b.details) {
    const label = `${d.label}: `;
    wrap(d.text, width - label.length - 2).forEach((l, i) => out.push([seg(i === 0 ? `  ${label}` : ' '.repeat(label.length + 2), { tone: 'muted' }), seg(l)]));
  }
  return out;
}
