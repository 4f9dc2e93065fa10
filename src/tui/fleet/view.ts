// The fleet view's lines: the fleet's header, a table of targets by wave
// (failures first) with each one's step, state and elapsed time; while a
// target's run is being opened (or cannot be), a line saying so.
import { fit, plain, seg, styled, type Line, type Tone } from '../line.js';
import { wrap } from '../text.js';
import { elapsed, fleetLine } from '../../present/fleet.js';
import type { TargetRow } from '../../fleet/control.js';
import type { FleetViewState } from './model.js';
import { padColumns } from '../../present/width.js';
import { footerLine, type Footer } from '../views/footer.js';

/** The table's keys (an opened run is the run screen, with its own footer). */
export function fleetFooter(s: FleetViewState): Footer {
  if (s.open) return { keys: [{ key: 'Esc q', label: 'back to the fleet' }] };
  return { keys: [{ key: '↑↓', label: 'target' }, { key: 'Enter', label: 'watch its run (read-only)' }, { key: 'q', label: 'leave (the fleet goes on with its workers)' }] };
}

const TONE: Record<TargetRow['state'], Tone> = { failed: 'bad', stopped: 'warn', running: 'accent', queued: 'muted', pending: 'muted', succeeded: 'ok' };

export function fleetLines(s: FleetViewState): Line[] {
  const w = s.width;
  const header: Line[] = [fit([seg(fleetLine(s.fleet, s.targets), { bold: true, tone: 'title' })], w), fit(plain('─'.repeat(w), { tone: 'muted' }), w)];
  const footer: Line[] = [
    fit(plain('─'.repeat(w), { tone: 'muted' }), w),
    footerLine(fleetFooter(s), w),
  ];
  const room = Math.max(1, s.height - header.length - footer.length);
  const body = s.open ? runLines(s) : tableLines(s, room);
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

/** A target whose run is being opened, or cannot be shown (once shown, the run screen takes the view's place). */
function runLines(s: FleetViewState): Line[] {
  const t = s.targets.find((x) => x.name === s.open!.target);
  const out: Line[] = [fit([seg(`${s.open!.target}`, { bold: true }), seg(` · ${t?.state ?? '?'} · run ${t?.runId ?? 'not started'}`, { tone: 'muted' })], s.width)];
  if (s.open!.error === undefined) out.push(plain('opening its run…', { tone: 'muted' }));
  else {
    for (const l of wrap(s.open!.error, s.width)) out.push(plain(l, { tone: 'muted' }));
    if (t?.error) out.push(fit(plain(t.error, { tone: 'bad' }), s.width));
  }
  return out;
}
