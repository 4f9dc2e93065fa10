// The fleet view's state and its pure update: the fleet and its targets as the
// control database last said, which row is selected, and whether a target's
// run is open (shown on the run screen in observer mode by FleetScreen, or why
// it cannot be). The view is handed its size; it measures nothing.
import type { FleetRow, TargetRow } from '../../fleet/control.js';
import { byWave } from '../../present/fleet.js';

export interface FleetViewState {
  fleet: FleetRow;
  /** Rows in display order: by wave, failures first. */
  targets: TargetRow[];
  selected: number;
  /** The target whose run is open: being opened, shown (on the run screen), or why it cannot be shown. */
  open: { target: string; shown?: boolean; error?: string } | null;
  width: number;
  height: number;
  now: number;
}

export type FleetIntent =
  | { type: 'update'; fleet: FleetRow; targets: TargetRow[]; now: number }
  | { type: 'opened'; target: string; error?: string }
  | { type: 'move'; by: number }
  | { type: 'open' }
  | { type: 'back' }
  | { type: 'resize'; columns: number; rows: number };

export function initialFleetView(fleet: FleetRow, targets: TargetRow[], size: { columns: number; rows: number }, now: number): FleetViewState {
  return { fleet, targets: byWave(targets), selected: 0, open: null, width: size.columns, height: size.rows, now };
}

export function updateFleetView(s: FleetViewState, intent: FleetIntent): FleetViewState {
  switch (intent.type) {
    case 'update': {
      // The selection stays on the same target while rows move (a failure rises to the top of its wave).
      const name = s.targets[s.selected]?.name;
      const targets = byWave(intent.targets);
      const at = targets.findIndex((t) => t.name === name);
      return { ...s, fleet: intent.fleet, targets, selected: at >= 0 ? at : Math.min(s.selected, targets.length - 1), now: intent.now };
    }
    case 'opened':
      return s.open?.target === intent.target ? { ...s, open: intent.error === undefined ? { target: intent.target, shown: true } : { target: intent.target, error: intent.error } } : s;
    case 'move':
      return s.open ? s : { ...s, selected: Math.max(0, Math.min(s.targets.length - 1, s.selected + intent.by)) };
    case 'open': {
      const t = s.targets[s.selected];
      return t && !s.open ? { ...s, open: { target: t.name } } : s;
    }
    case 'back':
      return { ...s, open: null };
    case 'resize':
      return { ...s, width: intent.columns, height: intent.rows };
  }
}

export function fleetKey(s: FleetViewState, input: string, key: { upArrow?: boolean; downArrow?: boolean; return?: boolean; escape?: boolean; pageUp?: boolean; pageDown?: boolean }): FleetIntent | 'quit' | null {
  if (input === 'q') return s.open ? { type: 'back' } : 'quit';
  if (key.escape) return s.open ? { type: 'back' } : null;
  if (key.upArrow || input === 'k') return { type: 'move', by: -1 };
  if (key.downArrow || input === 'j') return { type: 'move', by: 1 };
  if (key.pageUp) return { type: 'move', by: -10 };
  if (key.pageDown) return { type: 'move', by: 10 };
  if (key.return) return { type: 'open' };
  return null;
}
