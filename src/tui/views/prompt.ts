// The question panel above the footer: what the session is waiting for, and
// exactly which keys answer it. Empty while nothing is asked.
import { clipLines, fit, plain, seg, wrapLine, type Line, type Seg, type Tone } from '../line.js';
import { findItem, hasFixAction, quitLabel, stepOf, type Prompt, type UiState } from '../state.js';
import { clock } from '../../present/duration.js';
import { verdictSentence } from '../../present/verdict.js';
import { oneLine, wrap } from '../text.js';
import { rollbackApplies } from '../prompts.js';
import { troubleshootingCount } from '../../present/troubleshoot.js';
import { KEYS, packKeys } from './footer.js';

export { packKeys, type KeyHint } from './footer.js';

function wrapped(prefix: string, text: string, width: number, tone: Tone, bold = true, max = 3): Line[] {
  const lines = wrap(oneLine(text), Math.max(10, width - prefix.length));
  const shown = lines.length > max ? [...lines.slice(0, max - 1), `${lines[max - 1].slice(0, -1)}…`] : lines;
  return shown.map((l, i) => [seg(i === 0 ? prefix : ' '.repeat(prefix.length), { tone, bold: true }), seg(l, { tone, bold })]);
}

/** A text field on one line: the text, and the cursor where typing goes (the character under it shown inverse). */
export function fieldSegs(value: string, cursor: number | undefined, room: number, masked = false): Line {
  const at = Math.min(value.length, cursor ?? value.length);
  const show = (t: string) => (masked ? '•'.repeat([...t].length) : t);
  let before = show(value.slice(0, at));
  const rest = [...value.slice(at)];
  const under = rest.length ? show(rest[0]) : '';
  let after = show(rest.slice(1).join(''));
  // Keep the cursor in sight: cut the start first, then the end.
  if (before.length > room - 2) before = `…${before.slice(-(room - 3))}`;
  const left = room - before.length - 1;
  if (after.length > left) after = left > 1 ? `${after.slice(0, left - 1)}…` : '';
  return [seg(before, { underline: true }), under ? seg(under, { underline: true, inverse: true }) : seg('█', { tone: 'accent' }), seg(after, { underline: true })];
}

function field(label: string, value: string, width: number, cursor?: number, masked = false): Line {
  return [seg(label, { bold: true }), ...fieldSegs(value, cursor, Math.max(5, width - label.length - 3), masked)];
}

export function promptLines(ui: UiState, width: number): Line[] {
  const p = ui.prompt;
  if (!p) return idleLines(ui, width);
  return questionLines(ui, p, width).map((l) => fit(l, width));
}

function idleLines(ui: UiState, width: number): Line[] {
  if (ui.finished) {
    const ended = ui.run.ended;
    const outcome = ended?.outcome ?? 'failed';
    const steps = ui.run.items.filter((i) => i.kind === 'step');
    const passed = steps.filter((s) => s.status === 'passed').length;
    const skipped = steps.filter((s) => s.status === 'skipped').length;
    const took = ended ? clock(ended.at - ui.run.startedAt) : '';
    const head =
      outcome === 'succeeded'
        ? `✓ Run succeeded — ${passed} of ${steps.length} steps passed${skipped ? `, ${skipped} skipped` : ''} in ${took}.`
        : `✗ Run ${outcome}${ended?.reason ? `: ${ended.reason}` : ''}.`;
    return [...wrapped('', head, width, outcome === 'succeeded' ? 'ok' : 'bad', true, 3), plain('Look back over any item with ↑↓ and PgUp/PgDn; q leaves the screen.', { tone: 'muted' })];
  }
  if (ui.quitting) return [plain('Stopping at the next safe point; the run’s record is kept so it can be resumed.', { tone: 'warn', bold: true })];
  return [];
}

/** "2/5": where the item stands among those of its kind. */
function itemNumber(ui: UiState, key: string): string {
  const item = findItem(ui, key);
  const same = ui.run.items.filter((i) => i.kind === item?.kind);
  return `${same.findIndex((i) => i.key === key) + 1}/${same.length}`;
}

function questionLines(ui: UiState, p: Prompt, width: number): Line[] {
  switch (p.kind) {
    case 'inputs':
      return packKeys([{ key: 'Tab/↑↓', label: 'move' }, { key: 'Enter', label: 'next, then start' }, { key: 'Ctrl-U', label: 'clear' }, { key: 'Esc', label: 'do not run' }], width);
    case 'confirm': {
      const item = findItem(ui, p.key);
      const what = item?.kind === 'checklist' ? 'Checklist' : item?.kind === 'prerequisite' ? 'Prerequisite' : 'Confirm';
      return [
        ...wrapped(`? ${what} ${itemNumber(ui, p.key)} “${oneLine(item?.title ?? p.key)}”: `, p.text, width, 'accent'),
        ...packKeys([{ key: 'y', label: 'yes, it is done' }, { key: 'n', label: 'no' }, { key: 'q', label: quitLabel(ui) }, KEYS.help], width),
      ];
    }
    case 'danger': {
      const item = findItem(ui, p.key);
      const out = wrapped(`⚠ DESTRUCTIVE — step ${itemNumber(ui, p.key)} “${oneLine(item?.title ?? p.key)}”: `, p.reasons.join('; '), width, 'bad', true, 2);
      for (const st of (p.statements ?? []).slice(0, 2)) {
        out.push([seg(`  statement ${st.index + 1}, line ${st.line}: `, { tone: 'muted' }), seg(oneLine(st.text, 200), { dim: true })]);
      }
      out.push([seg('Type the database name '), seg(p.database, { bold: true, tone: 'warn' }), seg(' to run this step, or Esc to refuse it.')]);
      const line = field('> ', p.typed, width - 30, p.cursor);
      if (p.mismatch) line.push(seg(`  ✗ that is not “${p.database}” — not run`, { tone: 'bad', bold: true }));
      out.push(line);
      return out;
    }
    case 'next': {
      const item = findItem(ui, p.key);
      const out = wrapped(`▶ Next, step ${itemNumber(ui, p.key)}: `, item?.title ?? p.key, width, 'accent', true, 2);
      if (p.why?.length) out.push(...wrapped('  needs your decision: ', p.why.join('; '), width, 'warn', false, 2));
      out.push(...packKeys([{ key: 'Enter', label: 'run this step' }, { key: 'a', label: 'run on to the next decision' }, { key: 'q', label: quitLabel(ui, 'stop here') }, KEYS.help], width));
      return out;
    }
    case 'fix': {
      const e = p.entry;
      const action = e.fix?.sql ?? e.fix?.shell ?? (e.fix?.sql_file ? `SQL file ${e.fix.sql_file}` : '');
      return [
        ...wrapped('? Run the fix: ', e.title, width, 'accent', true, 2),
        [seg('  it runs: ', { tone: 'muted' }), seg(oneLine(action), { dim: true })],
        ...packKeys([{ key: 'y', label: 'run it now' }, { key: 'n', label: 'no, back' }], width),
      ];
    }
    case 'blocked':
      return blockedLines(ui, p, width);
  }
}

function blockedLines(ui: UiState, p: Extract<Prompt, { kind: 'blocked' }>, width: number): Line[] {
  const item = findItem(ui, p.key);
  const step = stepOf(ui, item);
  const title = item?.title ?? p.key;
  if (p.mode === 'skip') {
    return [
      plain(`Why skip “${oneLine(title)}”? The reason goes into the run’s record.`, { tone: 'warn', bold: true }),
      field('reason> ', p.reason, width, p.cursor),
      ...packKeys([{ key: 'Enter', label: 'skip it' }, { key: 'Esc', label: 'back' }], width),
    ];
  }
  if (p.mode === 'rollback') {
    const rb = step?.rollback;
    const action = rb?.sql ?? rb?.shell ?? (rb?.sql_file ? `SQL file ${rb.sql_file}` : rb?.confirm ?? '');
    return [
      ...wrapped('? Roll back: ', title, width, 'warn', true, 1),
      [seg('  it runs: ', { tone: 'muted' }), seg(oneLine(action), { dim: true })],
      [seg('  then the run ends (aborted); its record is kept.', { tone: 'muted' })],
      ...packKeys([{ key: 'y', label: 'roll back' }, { key: 'n', label: 'back' }], width),
    ];
  }
  if (p.mode === 'troubleshoot') {
    const entry = p.entries[p.highlighted];
    return packKeys(
      [
        { key: '↑↓', label: 'choose' },
        { key: 'Enter', label: entry && hasFixAction(entry) ? 'run its fix (asks first)' : 'run its fix', disabled: !!entry && !hasFixAction(entry) },
        { key: 'Esc', label: 'back' },
      ],
      width,
    );
  }
  const why = firstProblem(item, p);
  const head = item?.status === 'interrupted' ? `■ INTERRUPTED — “${oneLine(title)}”` : `✗ BLOCKED — “${oneLine(title)}” failed`;
  const short = ui.size.rows < 16;
  const out: Line[] = clipLines(wrapLine([seg(head, { tone: 'bad', bold: true }), seg(why ? `: ${why}` : '', { tone: 'bad' })], width), short ? 1 : 2, width);
  out.push(
    ...packKeys(
      [
        { key: 'r', label: 'retry' },
        { key: 't', label: `troubleshoot (${troubleshootingCount(p)})`, disabled: p.entries.length === 0 },
        { key: 'b', label: !step?.rollback ? 'roll back (none)' : !rollbackApplies(item) ? 'roll back (it ran nothing)' : 'roll back', disabled: !step?.rollback || !rollbackApplies(item) },
        { key: 's', label: item?.skippable ? 'skip with reason' : 'skip (not allowed)', disabled: !item?.skippable },
        { key: 'q', label: quitLabel(ui) },
      ],
      width,
    ),
  );
  return out;
}

function firstProblem(item: ReturnType<typeof findItem>, p: Extract<Prompt, { kind: 'blocked' }>): string {
  const bad = p.verdicts.find((v) => !v.ok) ?? item?.verdicts.find((v) => !v.ok);
  if (bad) return oneLine(verdictSentence(bad), 200);
  if (item?.error) return oneLine(item.error.message, 200);
  return '';
}
