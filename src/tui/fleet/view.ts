// The fleet view's lines: the fleet's header, a table of targets by wave
// (failures first) with each one's step, state and elapsed time, and a
// target's run, read-only, when one is open.
import { duration } from '../../present/duration.js';
import { outputWords } from '../../present/output.js';
import { verdictSentence } from '../../present/verdict.js';
import { fit, plain, seg, styled, type Line, type Tone } from '../line.js';
import { clean } from '../text.js';
import { elapsed, fleetLine } from '../../present/fleet.js';
import type { TargetRow } from '../../fleet/control.js';
import type { FleetViewState } from './model.js';
import { padColumns } from '../../present/width.js';

const TONE: Record<TargetRow['state'], Tone> = { failed: 'bad', stopped: 'warn', running: 'accent', queued: 'muted', pending: 'muted', succeeded: 'ok' };
const ITEM_TONE: Record<string, Tone> = { passed: 'ok', failed: 'bad', interrupted: 'warn', running: 'accent', skipped: 'warn', pending: 'muted', rolled_back: 'warn' };

export function fleetLines(s: FleetViewState): Line[] {
  const w = s.width;
  const header: Line[] = [fit([seg(fleetLine(s.fleet, s.targets), { bold: true, tone: 'title' })], w), fit(plain('─'.repeat(w), { tone: 'muted' }), w)];
  const footer: Line[] = [
    fit(plain('─'.repeat(w), { tone: 'muted' }), w),
    fit(plain(s.open ? 'Esc/q back to the fleet · the run is read-only while a worker runs it' : '↑↓ target · Enter open its run (read-only) · q leave (the fleet goes on with its workers)', { tone: 'muted' }), w),
  ];
  const room = Math.max(1, s.height - header.length - footer.length);
  const body = s.open ? runLines(s, room) : tableLines(s, room);
  while (body.length < room) body.push([]);
  return [...header, ...body.slice(0, room), ...footer];
}

function tableLines(s: FleetViewState, room: number): Line[] {
  const nameWidth = Math.max(6, ...s.targets.map((t) => t.name.length));
  const rows: { line: Line; index?: number }[] = [];
  let wave = -1;
  s.targets.forEach((t, i) => {
    if (t.wave !== wave) {
      wave = t.wave;
      const spec = s.fleet.plan.waves[wave];
      rows.push({ line: [seg(`wave ${wave + 1} · ${spec?.name ?? ''}${spec?.canary ? ' (canary)' : ''} · at most ${spec?.concurrency ?? '?'} at once`, { bold: true, tone: wave === s.fleet.wave ? 'accent' : undefined })] });
    }
    const detail = t.state === 'failed' || t.state === 'stopped' ? (t.error ?? '') : t.state === 'running' ? (t.current ?? 'starting') : '';
    const line: Line = [seg(`  ${padColumns(t.name, nameWidth)}  `), seg(padColumns(t.state, 10), { tone: TONE[t.state], bold: t.state === 'failed' }), seg(`${padColumns(elapsed(t, s.now), 7, 'right')}  `, { tone: 'muted' }), seg(detail, { tone: t.state === 'failed' ? 'bad' : undefined })];
    rows.push({ line: fit(line, s.width), index: i });
  });
  // The window follows the selection.
  const at = rows.findIndex((r) => r.index === s.selected);
  const start = Math.max(0, Math.min(at - Math.floor(room / 2), rows.length - room));
  return rows.slice(start, start + room).map((r) => (r.index === s.selected ? styled(fit(r.line, s.width, true), { inverse: true }) : r.line));
}

function runLines(s: FleetViewState, room: number): Line[] {
  const t = s.targets.find((x) => x.name === s.open!.target);
  const out: Line[] = [fit([seg(`${s.open!.target}`, { bold: true }), seg(` · ${t?.state ?? '?'} · run ${t?.runId ?? 'not started'}`, { tone: 'muted' })], s.width)];
  const run = s.open!.run;
  if (!run) {
    out.push(plain(t?.runId ? 'The run’s journal is not on this machine (its worker keeps it); the table shows its state.' : 'No run yet: the target waits for its wave.', { tone: 'muted' }));
    if (t?.error) out.push(fit(plain(t.error, { tone: 'bad' }), s.width));
    return out;
  }
  for (const item of run.items) {
    const mark = item.status === 'passed' ? '✓' : item.status === 'failed' ? '✗' : item.status === 'running' ? '▶' : item.status === 'pending' ? '·' : '!';
    out.push(fit([seg(`${mark} `, { tone: ITEM_TONE[item.status] }), seg(`${item.kind} ${item.title}`), seg(item.durationMs !== undefined ? `  ${duration(item.durationMs)}` : '', { tone: 'muted' })], s.width));
    for (const v of item.verdicts.filter((x) => !x.ok)) out.push(fit(plain(`    ${verdictSentence(v)}`, { tone: 'bad' }), s.width));
    if (item.error) out.push(fit(plain(`    ${item.error.message.split('\n')[0]}`, { tone: 'bad' }), s.width));
  }
  const current = run.items.find((i) => i.status === 'running') ?? [...run.items].reverse().find((i) => i.output.length > 0);
  if (current && out.length < room) {
    out.push([]);
    out.push(plain(`output of ${current.title}:`, { tone: 'muted' }));
    for (const o of current.output.slice(-(room - out.length))) out.push(fit(plain(`  ${clean(outputWords(o))}`), s.width));
  }
  return out;
}
