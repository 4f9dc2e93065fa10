// `runbook show`: a runbook read on the screen, never run. Every item —
// overview, prerequisites, steps, procedures and their steps, troubleshooting,
// checklist — is listed on the left; the selected one is shown in full on the
// right. Pure: the runbook and the state in, lines out. Nothing here (or in
// anything it imports) opens a connection.
import { stepFindingLines } from '../../present/findings.js';
import { checklistTitle } from '../../engine/plan.js';
import { describeCheck, describeExpectation } from '../../markdown/describe.js';
import type { Runbook } from '../../runbook/load.js';
import type { Action, Check, Procedure, Step, TroubleshootingEntry } from '../../runbook/schema.js';
import { shellLines, sqlLines } from '../views/code.js';
import { relative } from 'node:path';
import { blank, fit, lineText, lineWidth, plain, seg, styled, wrapLine, type Line, type Tone } from '../line.js';
import { clean, lines as splitLines, oneLine, truncate, wrap } from '../text.js';
import { markdownLines } from '../views/detail.js';
import { listWidthFor } from '../views/layout.js';
import type { KeyInfo } from '../keys.js';
import { padColumns } from '../../present/width.js';
import { valueWords } from '../../present/value.js';

export type ShowItem =
  | { kind: 'overview'; key: string; title: string }
  | { kind: 'prerequisite'; key: string; title: string; check: Check; index: number }
  | { kind: 'step'; key: string; title: string; step: Step; index: number; of: number; procedure?: Procedure }
  | { kind: 'procedure'; key: string; title: string; procedure: Procedure }
  | { kind: 'troubleshooting'; key: string; title: string; entry: TroubleshootingEntry }
  | { kind: 'checklist'; key: string; title: string; index: number; group?: string };

/** A row of the left-hand list: a group heading, or an item that can be selected. */
export type ShowRow = { type: 'heading'; text: string } | { type: 'item'; item: ShowItem; indent: boolean };

/** Every row, in reading order: the runbook as a person walks through it. */
export function showRows(rb: Runbook): ShowRow[] {
  const rows: ShowRow[] = [];
  const add = (item: ShowItem, indent = false) => rows.push({ type: 'item', item, indent });
  add({ kind: 'overview', key: 'overview', title: 'Overview' });
  if (rb.prerequisites.length) {
    rows.push({ type: 'heading', text: `Prerequisites (${rb.prerequisites.length})` });
    rb.prerequisites.forEach((check, index) => add({ kind: 'prerequisite', key: `prerequisite:${check.id ?? index + 1}`, title: check.title, check, index }));
  }
  rows.push({ type: 'heading', text: `Steps (${rb.steps.length})` });
  rb.steps.forEach((step, index) => add({ kind: 'step', key: `step:${step.id}`, title: step.title, step, index, of: rb.steps.length }));
  if (rb.procedures.length) rows.push({ type: 'heading', text: `Procedures (${rb.procedures.length})` });
  for (const procedure of rb.procedures) {
    add({ kind: 'procedure', key: `procedure:${procedure.id}`, title: procedure.title, procedure });
    procedure.steps.forEach((step, index) =>
      add({ kind: 'step', key: `procedure:${procedure.id}:${step.id}`, title: step.title, step, index, of: procedure.steps.length, procedure }, true),
    );
  }
  if (rb.troubleshooting.length) {
    rows.push({ type: 'heading', text: `Troubleshooting (${rb.troubleshooting.length})` });
    for (const entry of rb.troubleshooting) add({ kind: 'troubleshooting', key: `troubleshooting:${entry.id}`, title: entry.title, entry });
  }
  if (rb.checklist.length) {
    rows.push({ type: 'heading', text: `Checklist (${rb.checklist.length})` });
    rb.checklist.forEach((c, index) => add({ kind: 'checklist', key: `checklist:${index + 1}`, title: checklistTitle(c), index, ...(typeof c !== 'string' && c.group ? { group: c.group } : {}) }));
  }
  return rows;
}

export function showItems(rb: Runbook): ShowItem[] {
  return showRows(rb).flatMap((r) => (r.type === 'item' ? [r.item] : []));
}

/** The runbook's file as the operator would type it: relative to here when it is below here. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : file;
}

const RISK_TONE: Record<string, Tone> = { low: 'ok', medium: 'warn', high: 'bad', critical: 'bad' };

function heading(text: string): Line {
  return [seg(text, { bold: true, tone: 'title', underline: true })];
}

function label(text: string): Line {
  return plain(text, { tone: 'muted', bold: true });
}

function wrapped(text: string, width: number, style: Omit<Line[number], 'text'> = {}, indent = ''): Line[] {
  return wrap(text, Math.max(10, width - indent.length)).map((l) => [seg(indent), seg(l, style)]);
}

interface Runs {
  sql?: string;
  sql_file?: string;
  shell?: string;
  confirm?: string | boolean;
  connection?: string;
}

/** What an action runs: its SQL (highlighted), shell command, or the manual confirmation. */
function runsLines(rb: Runbook, a: Runs, width: number, what = 'Runs'): Line[] {
  const where = a.connection ? ` on connection “${a.connection}”` : '';
  const sql = a.sql ?? (a.sql_file !== undefined ? rb.sqlFiles.get(a.sql_file) : undefined);
  if (sql !== undefined) return [label(`${what} SQL${a.sql_file ? ` from ${a.sql_file}` : ''}${where}:`), ...sqlLines(sql, width)];
  if (a.sql_file !== undefined) return [label(`${what} SQL from ${a.sql_file}${where} (file not read)`)];
  if (a.shell !== undefined) return [label(`${what} a shell command${where}:`), ...shellLines(a.shell, width)];
  if (typeof a.confirm === 'string') return [label('Manual — the operator confirms:'), ...wrapped(a.confirm, width, { bold: true }, '  ')];
  return [];
}

/** What a check runs and what it expects, in words. */
function checkBody(rb: Runbook, c: Check, width: number): Line[] {
  const out: Line[] = [];
  if (c.speedup) {
    out.push(label('Baseline (the slower query):'), ...sqlLines(c.speedup.baseline, width), label('Candidate (must be faster):'), ...sqlLines(c.speedup.candidate, width));
  } else if (c.compare) {
    const side = (name: string, s: { connection?: string; sql: string }) => [label(`${name} (${s.connection ? `connection “${s.connection}”` : 'the target'}):`), ...sqlLines(s.sql, width)];
    out.push(...side('Left', c.compare.left), ...side('Right', c.compare.right));
  } else out.push(...runsLines(rb, c, width));
  const words = describeCheck(c);
  const expects = words || (c.confirm ? 'the operator confirms it' : 'it succeeds (no error)');
  out.push(...wrapLine([seg('Expects: ', { tone: 'accent', bold: true }), seg(expects)], width));
  if (c.timeout !== undefined) out.push(plain(`Timeout: ${c.timeout}`, { tone: 'muted' }));
  return out;
}

function checkLines(rb: Runbook, c: Check, width: number, n: number): Line[] {
  const out: Line[] = wrapLine([seg(`${n}. `, { tone: 'muted' }), seg(oneLine(c.title), { bold: true })], width);
  for (const l of checkBody(rb, c, width - 3)) out.push([seg('   '), ...l]);
  return out;
}

function rollbackLines(rb: Runbook, step: Step, width: number): Line[] {
  const r: Action | undefined = step.rollback;
  if (!r) return [plain(step.irreversible ? 'Rollback: none — this step cannot be undone.' : 'Rollback: none in the runbook.', { tone: step.irreversible ? 'bad' : 'muted', bold: step.irreversible })];
  const out: Line[] = [heading('Rollback')];
  const runs = runsLines(rb, r, width, 'Undo runs');
  out.push(...(runs.length ? runs : [plain('(no action given)', { tone: 'muted' })]));
  if (r.confirm && (r.sql !== undefined || r.sql_file !== undefined || r.shell !== undefined)) out.push(...wrapped(`Asks first: ${r.confirm}`, width, { tone: 'muted' }));
  return out;
}

/** The troubleshooting entries linked to a step: named by it, or matching its id. */
export function linkedEntries(rb: Runbook, step: Step): TroubleshootingEntry[] {
  return rb.troubleshooting.filter((e) => step.troubleshoot.includes(e.id) || (e.match?.step !== undefined && [e.match.step].flat().includes(step.id)));
}

function troubleshootLines(rb: Runbook, entry: TroubleshootingEntry, width: number): Line[] {
  const out: Line[] = wrap(entry.title, width).map((l) => plain(l, { bold: true }));
  const m = entry.match;
  if (m) {
    const parts = [m.sqlstate !== undefined ? `SQLSTATE ${[m.sqlstate].flat().join(', ')}` : '', m.error ? `error ${m.error}` : '', m.step !== undefined ? `step ${[m.step].flat().join(', ')}` : ''].filter(Boolean);
    if (parts.length) out.push(...wrapped(`offered when it matches: ${parts.join(' · ')}`, width, { tone: 'muted' }));
  }
  if (entry.cause) out.push(label('Cause:'), ...markdown(entry.cause, width));
  const fix = entry.fix;
  const runs = fix ? runsLines(rb, fix, width, 'Fix runs') : [];
  if (fix?.explain || runs.length) {
    out.push(label('Fix:'));
    if (fix?.explain) out.push(...markdown(fix.explain, width));
    out.push(...runs);
    if (runs.length) out.push(plain(fix?.confirm === false ? 'During a run it runs as soon as it is chosen.' : 'During a run it asks before it runs.', { tone: 'muted' }));
  } else out.push(plain('No fix to run: this entry is advice.', { tone: 'muted' }));
  return out;
}

/**
 * Markdown as the run screen shows it, with one addition for reading: a
 * table (lines starting with "|") is kept verbatim rather than re-flowed.
 */
export function markdown(text: string, width: number): Line[] {
  const out: string[] = [];
  let table = false;
  for (const line of text.split('\n')) {
    const row = /^\s*\|/.test(line);
    if (row !== table) out.push('```');
    table = row;
    out.push(line);
  }
  if (table) out.push('```');
  return markdownLines(out.join('\n'), width);
}

function stepLines(rb: Runbook, item: Extract<ShowItem, { kind: 'step' }>, width: number): Line[] {
  const s = item.step;
  const out: Line[] = [];
  const meta: string[] = [item.procedure ? `procedure “${item.procedure.id}”, step ${item.index + 1}/${item.of}` : `step ${item.index + 1}/${item.of}`, `id ${s.id}`];
  if (s.timeout !== undefined) meta.push(`timeout ${s.timeout}`);
  if (s.lock_timeout !== undefined) meta.push(`lock timeout ${s.lock_timeout}`);
  if (s.sql !== undefined || s.sql_file !== undefined) meta.push(`transaction ${s.transaction}`);
  if (s.skippable) meta.push('may be skipped with a reason');
  out.push(...wrapped(meta.join(' · '), width, { tone: 'muted' }));
  const flags: Line = [];
  if (s.danger) flags.push(seg('DESTRUCTIVE — asks for the database name ', { tone: 'bad', bold: true }));
  if (s.irreversible) flags.push(seg('IRREVERSIBLE', { tone: 'bad', bold: true }));
  if (flags.length) out.push(...wrapLine(flags, width));
  out.push(blank);
  if (s.explain) out.push(...markdown(s.explain, width), blank);
  const runs = runsLines(rb, s, width);
  if (runs.length) out.push(...runs);
  const findings = (rb.findings ?? []).filter((f) => f.step === s.id && f.procedure === item.procedure?.id && f.part !== 'fix');
  if (findings.length) {
    // What the step does to the people using the database, as `runbook lint` says it (locks, rewrites, scans).
    out.push(blank, heading(`Findings (${findings.length}) — locks, rewrites, scans`));
    for (const f of findings) {
      const [head, ...rest] = stepFindingLines(f, '');
      out.push(...wrapped(head, width, { tone: f.accepted ? 'muted' : f.severity === 'error' ? 'bad' : f.severity === 'warning' ? 'warn' : undefined }));
      for (const line of rest) out.push(...wrapped(line, width, { tone: 'muted' }, '  '));
    }
  }
  if (s.cwd) out.push(plain(`in folder ${s.cwd}`, { tone: 'muted' }));
  if (s.env) for (const [k, v] of Object.entries(s.env)) out.push(...wrapped(`env ${k}=${v}`, width, { tone: 'muted' }));
  if (s.expected !== undefined) {
    out.push(blank, heading('Expected output'));
    for (const l of splitLines(s.expected.replace(/\n$/, ''))) out.push(...wrapLine([seg(l, { tone: 'muted' })], width));
  }
  if (s.expect) out.push(blank, ...wrapLine([seg('Its result must show: ', { tone: 'accent', bold: true }), seg(describeExpectation(s.expect))], width));
  if (s.verify.length) {
    out.push(blank, heading(`Checks (${s.verify.length}) — a failure blocks the run`));
    s.verify.forEach((c, i) => {
      if (i > 0) out.push(blank);
      out.push(...checkLines(rb, c, width, i + 1));
    });
  }
  out.push(blank, ...rollbackLines(rb, s, width));
  const linked = linkedEntries(rb, s);
  if (linked.length) {
    out.push(blank, heading(`Troubleshooting (${linked.length})`));
    linked.forEach((e, i) => {
      if (i > 0) out.push(blank);
      out.push(...troubleshootLines(rb, e, width));
    });
  }
  return out;
}

function overviewLines(rb: Runbook, width: number): Line[] {
  const out: Line[] = [];
  out.push([seg('risk ', { tone: 'muted' }), seg(rb.risk.toUpperCase(), { tone: RISK_TONE[rb.risk], bold: true }), seg(rb.estimate ? ` · estimate ${oneLine(rb.estimate)}` : '', { tone: 'muted' })]);
  out.push(...wrapped(`id ${rb.id} · ${displayPath(rb.file)}`, width, { tone: 'muted' }));
  if (rb.tags.length) out.push(...wrapped(`tags: ${rb.tags.join(', ')}`, width, { tone: 'muted' }));
  if (rb.requires.length) out.push(...wrapped(`needs: ${rb.requires.join(', ')}`, width, { tone: 'muted' }));
  if (rb.summary) out.push(blank, ...markdown(rb.summary, width));
  out.push(blank, heading('What it contains'));
  const steps = rb.procedures.reduce((n, p) => n + p.steps.length, 0);
  const counts: [number, string][] = [
    [rb.prerequisites.length, 'prerequisites'],
    [rb.steps.length, 'steps'],
    [rb.procedures.length, `procedures (${steps} steps)`],
    [rb.troubleshooting.length, 'troubleshooting entries'],
    [rb.checklist.length, 'checklist items'],
  ];
  for (const [n, what] of counts) out.push(plain(`  ${padColumns(String(n), 3, 'right')} ${what}`));
  const inputs = Object.entries(rb.inputs);
  if (inputs.length) {
    out.push(blank, heading('Inputs (asked for before a run)'));
    for (const [name, spec] of inputs) {
      const bits = [spec.type, spec.default !== undefined && !spec.secret ? `default ${valueWords(spec.default)}` : '', spec.required ? '' : 'optional', spec.secret ? 'secret' : ''].filter(Boolean);
      out.push([seg(`  ${name}`, { bold: true }), seg(` (${bits.join(', ')})`, { tone: 'muted' })]);
      if (spec.description) out.push(...wrapped(spec.description, width, {}, '    '));
      if (spec.choices) out.push(...wrapped(`one of: ${spec.choices.join(', ')}`, width, { tone: 'muted' }, '    '));
    }
  }
  const connections = Object.entries(rb.connections);
  if (connections.length) {
    out.push(blank, heading('Other connections'));
    for (const [name, c] of connections) out.push(...wrapped(`${name}: ${c.sqlite !== undefined ? `SQLite ${c.sqlite}` : `PostgreSQL ${c.postgres ?? ''}`}`, width, {}, '  '));
  }
  if (rb.sandbox) out.push(blank, ...wrapped(`Try it on a throwaway database: runbook run ${displayPath(rb.file)} --sandbox`, width, { tone: 'muted' }));
  out.push(blank, ...wrapped('This view only reads the runbook: nothing runs and no database is contacted. ↑↓ walks through every item.', width, { tone: 'muted' }));
  return out;
}

function procedureLines(rb: Runbook, p: Procedure, width: number): Line[] {
  const out: Line[] = [...wrapped(`procedure id ${p.id} · ${p.steps.length} step${p.steps.length === 1 ? '' : 's'} · runnable on its own`, width, { tone: 'muted' })];
  if (p.when) out.push(blank, heading('When to use it'), ...markdown(p.when, width));
  if (p.summary) out.push(blank, ...markdown(p.summary, width));
  out.push(blank, heading('Steps'));
  p.steps.forEach((s, i) => out.push(...wrapLine([seg(`${padColumns(String(i + 1), 3, 'right')}. `, { tone: 'muted' }), seg(oneLine(s.title))], width)));
  out.push(blank, label('Run it:'), ...wrapped(`runbook run ${displayPath(rb.file)} --procedure ${p.id}`, width, { tone: 'accent' }, '  '));
  return out;
}

/** The selected item in full, wrapped to `width`. */
export function itemLines(rb: Runbook, item: ShowItem, width: number): Line[] {
  const w = Math.max(20, width);
  const title = wrap(item.kind === 'overview' ? rb.title : item.title, w).map((l) => plain(l, { bold: true }));
  let body: Line[];
  switch (item.kind) {
    case 'overview':
      body = overviewLines(rb, w);
      break;
    case 'prerequisite': {
      const c = item.check;
      body = [...wrapped(`prerequisite ${item.index + 1}/${rb.prerequisites.length}${c.id ? ` · id ${c.id}` : ''} · checked before every run and procedure`, w, { tone: 'muted' }), blank, ...checkBody(rb, c, w)];
      break;
    }
    case 'step':
      body = stepLines(rb, item, w);
      break;
    case 'procedure':
      body = procedureLines(rb, item.procedure, w);
      break;
    case 'troubleshooting': {
      const from = [...rb.steps, ...rb.procedures.flatMap((p) => p.steps)].filter((s) => linkedEntries(rb, s).includes(item.entry)).map((s) => s.id);
      body = [
        ...wrapped(`troubleshooting · id ${item.entry.id}${from.length ? ` · linked from ${[...new Set(from)].join(', ')}` : ''}`, w, { tone: 'muted' }),
        blank,
        ...troubleshootLines(rb, item.entry, w).slice(wrap(item.entry.title, w).length),
      ];
      break;
    }
    case 'checklist':
      body = [
        ...wrapped(`checklist item ${item.index + 1}/${rb.checklist.length}${item.group ? ` · ${item.group}` : ''}`, w, { tone: 'muted' }),
        blank,
        ...wrapped('Ticked by hand after the last step of a full run; each answer is recorded in the run’s journal.', w, { tone: 'muted' }),
      ];
      break;
  }
  return [...title, ...body].map((l) => fit(l, w));
}

/** The whole runbook as plain text (for `runbook show FILE | less`, or a review in a ticket). */
export function plainText(rb: Runbook, width = 100): string[] {
  const out: string[] = [];
  for (const row of showRows(rb)) {
    if (row.type === 'heading') {
      out.push('', `== ${row.text} ==`);
      continue;
    }
    const indent = row.indent ? '    ' : '';
    out.push('');
    for (const l of itemLines(rb, row.item, width - indent.length)) out.push(`${indent}${lineText(l)}`.trimEnd());
  }
  return out.slice(1);
}

// ——— the screen's state ———

export interface ShowState {
  runbook: Runbook;
  rows: ShowRow[];
  items: ShowItem[];
  selected: number;
  /** The first line of the detail on view. */
  top: number;
  size: { columns: number; rows: number };
  help: boolean;
}

export type ShowIntent =
  | { type: 'select'; delta: number }
  | { type: 'select_edge'; edge: 'first' | 'last' }
  | { type: 'scroll'; by: number | 'page_up' | 'page_down' | 'top' | 'bottom' }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'help' }
  | { type: 'quit' };

export function initialShowState(runbook: Runbook, size = { columns: 80, rows: 24 }, selectKey?: string): ShowState {
  const rows = showRows(runbook);
  const items = rows.flatMap((r) => (r.type === 'item' ? [r.item] : []));
  const at = selectKey ? items.findIndex((i) => i.key === selectKey) : -1;
  return { runbook, rows, items, selected: Math.max(0, at), top: 0, size, help: false };
}

export const SHOW_HEADER = 2;
export const SHOW_FOOTER = 2;

export interface ShowFrame {
  width: number;
  height: number;
  listWidth: number;
  mainWidth: number;
  bodyHeight: number;
}

export function showFrame(s: ShowState): ShowFrame {
  const width = Math.max(30, s.size.columns);
  const height = Math.max(8, s.size.rows - 1);
  const listWidth = listWidthFor(width);
  return { width, height, listWidth, mainWidth: listWidth > 0 ? width - listWidth - 1 : width, bodyHeight: height - SHOW_HEADER - SHOW_FOOTER };
}

/** The detail of the selected item and the window over it (the last row is kept for a scroll marker when it overflows). */
export function detailWindow(s: ShowState): { lines: Line[]; top: number; height: number } {
  const f = showFrame(s);
  const lines = itemLines(s.runbook, s.items[s.selected], f.mainWidth);
  const height = lines.length > f.bodyHeight ? f.bodyHeight - 1 : f.bodyHeight;
  const top = Math.max(0, Math.min(s.top, lines.length - height));
  return { lines, top, height };
}

export function updateShow(s: ShowState, intent: ShowIntent): { state: ShowState; quit?: boolean } {
  switch (intent.type) {
    case 'quit':
      return { state: s, quit: true };
    case 'help':
      return { state: { ...s, help: !s.help } };
    case 'resize':
      return { state: { ...s, size: { columns: intent.columns, rows: intent.rows } } };
    case 'select': {
      const selected = Math.max(0, Math.min(s.items.length - 1, s.selected + intent.delta));
      return { state: selected === s.selected ? s : { ...s, selected, top: 0 } };
    }
    case 'select_edge':
      return { state: { ...s, selected: intent.edge === 'first' ? 0 : s.items.length - 1, top: 0 } };
    case 'scroll': {
      const w = detailWindow(s);
      const max = Math.max(0, w.lines.length - w.height);
      const page = Math.max(1, w.height - 1);
      const by = intent.by;
      const next = by === 'top' ? 0 : by === 'bottom' ? max : by === 'page_up' ? w.top - page : by === 'page_down' ? w.top + page : w.top + by;
      return { state: { ...s, top: Math.max(0, Math.min(max, next)) } };
    }
  }
}

/** A key as Ink reports it; tests give only the fields that matter. */
export type KeyLike = Partial<KeyInfo>;

export function showKey(s: ShowState, input: string, key: KeyLike): ShowIntent | null {
  if (s.help) return key.escape || input === '?' || input === 'q' || key.return ? { type: 'help' } : null;
  if ((key.ctrl && input === 'c') || input === 'q' || key.escape) return { type: 'quit' };
  if (key.upArrow || input === 'k') return { type: 'select', delta: -1 };
  if (key.downArrow || input === 'j') return { type: 'select', delta: 1 };
  if (key.home || input === 'g') return { type: 'select_edge', edge: 'first' };
  if (key.end || input === 'G') return { type: 'select_edge', edge: 'last' };
  if (key.pageUp || input === 'u' || input === 'b') return { type: 'scroll', by: 'page_up' };
  if (key.pageDown || input === 'd' || input === ' ' || key.return) return { type: 'scroll', by: 'page_down' };
  if (input === '[') return { type: 'scroll', by: -1 };
  if (input === ']') return { type: 'scroll', by: 1 };
  if (input === '?') return { type: 'help' };
  return null;
}

// ——— the screen's lines ———

export function showHeaderLines(s: ShowState, width: number): Line[] {
  const rb = s.runbook;
  const bar = { inverse: true };
  const right: Line = [seg(' risk ', bar), seg(rb.risk.toUpperCase(), { tone: RISK_TONE[rb.risk], bold: true, ...bar }), seg(rb.estimate ? ` · est ${truncate(oneLine(rb.estimate), Math.max(4, Math.floor(width / 6)))} ` : ' ', bar)];
  const room = Math.max(0, width - lineWidth(right));
  const left = fit([seg(` ${oneLine(rb.title)}`, { bold: true, ...bar })], room, true).map((x) => ({ ...x, ...bar }));
  const second: Line = [seg('READ-ONLY', { tone: 'accent', bold: true }), seg(` · nothing runs, no database is contacted · item ${s.selected + 1} of ${s.items.length}`, { tone: 'muted' })];
  return [fit([...left, ...right], width), fit(second, width)];
}

export function showListLines(s: ShowState, width: number, height: number): Line[] {
  if (width <= 0 || height <= 0) return [];
  const all: Line[] = [];
  let at = 0;
  let n = 0;
  for (const row of s.rows) {
    if (row.type === 'heading') {
      all.push(fit(plain(row.text, { bold: true, tone: 'muted' }), width));
      continue;
    }
    const i = n++;
    const mark = row.item.kind === 'procedure' ? '↺ ' : row.indent ? '  · ' : '';
    let line: Line = fit([seg(i === s.selected ? '▸' : ' ', { tone: 'accent', bold: true }), seg(mark, { tone: 'muted' }), seg(oneLine(row.item.title), row.item.kind === 'procedure' ? { bold: true } : {})], width, i === s.selected);
    if (i === s.selected) {
      at = all.length;
      line = styled(line, { inverse: true });
    }
    all.push(line);
  }
  if (all.length <= height) return all;
  const top = Math.max(0, Math.min(all.length - height, at - Math.floor(height / 3)));
  const shown = all.slice(top, top + height);
  if (top > 0) shown[0] = fit(plain(`  ↑ ${top} more`, { tone: 'muted' }), width);
  const below = all.length - (top + height);
  if (below > 0) shown[shown.length - 1] = fit(plain(`  ↓ ${below} more`, { tone: 'muted' }), width);
  return shown;
}

export function showDetailLines(s: ShowState, width: number): Line[] {
  const w = detailWindow(s);
  const out = w.lines.slice(w.top, w.top + w.height);
  if (w.lines.length > w.height) {
    while (out.length < w.height) out.push([]);
    const end = Math.min(w.lines.length, w.top + w.height);
    const where = end >= w.lines.length ? 'end' : `${Math.round((end / w.lines.length) * 100)}% · PgDn for more`;
    out.push(plain(`── ${w.top + 1}–${end} of ${w.lines.length} lines (${where}) ${'─'.repeat(width)}`.slice(0, width), { tone: 'muted' }));
  }
  return out;
}

export function showFooterLine(s: ShowState, width: number): Line {
  const keys: [string, string][] = s.help ? [['? Esc', 'close']] : [['↑↓', 'items'], ['PgUp/PgDn', 'scroll'], ['Home/End', 'first/last'], ['?', 'keys'], ['q', 'quit']];
  const line: Line = [];
  for (const [k, what] of keys) {
    if (line.length) line.push(seg('  '));
    line.push(seg(k, { tone: 'accent', bold: true }), seg(` ${what}`));
  }
  return fit(line, width);
}

export function showHelpLines(width: number): Line[] {
  const rows: [string, string][] = [
    ['↑ ↓  j k', 'the previous / next item'],
    ['Home End  g G', 'the first / last item'],
    ['PgUp PgDn  u d  Space', 'scroll the item a page'],
    ['[ ]', 'scroll a line'],
    ['q  Esc', 'leave'],
  ];
  const out: Line[] = [heading('Keys — read-only view'), blank];
  for (const [k, what] of rows) out.push([seg(padColumns(`  ${k}`, 24), { tone: 'accent', bold: true }), seg(what)]);
  out.push(blank, ...wrapped('Nothing here runs or connects. To run this runbook: runbook run FILE (add --sandbox to try it on a throwaway database).', width, { tone: 'muted' }));
  return out.map((l) => fit(l, width));
}
