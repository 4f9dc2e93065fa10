// The fleet's words: what a target's run came to, how long it has taken, and
// the lines of the status table (`fleet status`, the fleet view's header). The
// fleet hands over its rows (control's FleetRow/TargetRow); the order the
// table lists them in (by wave, failures first) is part of how they are shown.
import type { RunState } from '../engine/state.js';
import type { FleetRow, TargetRow } from '../fleet/control.js';
import { duration } from './duration.js';
import { verdictSentence } from './verdict.js';

/** Why a run did not succeed, in one line: the item and its error or first failed check. */
export function runFailure(state: RunState): string {
  const item = state.items.find((i) => i.status === 'failed' || i.status === 'interrupted');
  if (!item) return state.ended?.reason ?? `run ${state.ended?.outcome ?? 'stopped'}`;
  const bad = item.verdicts.find((v) => !v.ok);
  const why = item.error?.message ?? (bad ? verdictSentence(bad) : item.status);
  return `${item.title}: ${why.split('\n')[0]}`;
}

/** A running target's item once its worker got the fleet's stop: "step slow · stopping after it". */
export function stoppingWords(current: string | null): string {
  return `${current ?? 'starting'} · stopping after it (runbook fleet stop)`;
}

export function elapsed(t: Pick<TargetRow, 'startedAt' | 'finishedAt'>, now = Date.now()): string {
  if (!t.startedAt) return '';
  const ms = (t.finishedAt ? Date.parse(t.finishedAt) : now) - Date.parse(t.startedAt);
  return duration(Math.max(0, Math.round(ms / 1000)) * 1000);
}

const ORDER: Record<TargetRow['state'], number> = { failed: 0, stopped: 1, running: 2, queued: 3, pending: 4, succeeded: 5 };

/** Targets grouped by wave, failures first within each. */
export function byWave(targets: readonly TargetRow[]): TargetRow[] {
  return [...targets].sort((a, b) => a.wave - b.wave || ORDER[a.state] - ORDER[b.state] || a.position - b.position);
}

export function counts(targets: readonly TargetRow[]): Record<TargetRow['state'], number> {
  const c = { pending: 0, queued: 0, running: 0, succeeded: 0, failed: 0, stopped: 0 };
  for (const t of targets) c[t.state] += 1;
  return c;
}

export function fleetLine(f: FleetRow, targets: readonly TargetRow[]): string {
  const c = counts(targets);
  const parts = (Object.entries(c) as [string, number][]).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
  const waves = f.plan.waves.length;
  return `fleet ${f.name} (#${f.id}) · ${f.runbookId} · ${f.state}${f.state === 'running' || f.state === 'soaking' || f.state === 'awaiting_approval' ? ` · wave ${Math.min(f.wave + 1, waves)}/${waves}` : ''} · ${targets.length} targets: ${parts.join(', ')}${f.reason ? ` · ${f.reason}` : ''}`;
}

/** The plain status table: one line per target, by wave, failures first. */
export function statusLines(f: FleetRow, targets: readonly TargetRow[], now = Date.now()): string[] {
  const lines = [fleetLine(f, targets)];
  const rows = byWave(targets);
  const width = Math.max(6, ...rows.map((t) => t.name.length));
  let wave = -1;
  for (const t of rows) {
    if (t.wave !== wave) {
      wave = t.wave;
      const w = f.plan.waves[wave];
      lines.push(`wave ${wave + 1}: ${w?.name ?? ''}${w?.canary ? ' (canary)' : ''} · concurrency ${w?.concurrency ?? '?'}`);
    }
    const detail = t.state === 'failed' || t.state === 'stopped' ? (t.error ?? '') : (t.current ?? '');
    lines.push(`  ${t.name.padEnd(width)}  ${t.state.padEnd(9)}  ${elapsed(t, now).padStart(10)}  ${t.runId ?? ''}${detail ? `  ${detail}` : ''}`);
  }
  return lines;
}
