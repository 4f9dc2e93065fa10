// `runbook show`'s state and the one pure function that changes it. Like the
// run screen's store, it imports no view: a scroll intent carries the
// geometry the view measured (view.ts showGeometry), as ink-ui's select state
// is handed its visibleOptionCount.
import type { Runbook } from '../../runbook/load.js';
import type { KeyInfo } from '../keys.js';
import { showRows, type ShowItem, type ShowRow } from './items.js';

/** The selected item's detail as drawn: how many lines it has, how many rows show them. */
export interface ShowGeometry {
  total: number;
  height: number;
}

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
  /** `view`: the selected item's lines and the rows that show them, as the view measured them. */
  | { type: 'scroll'; by: number | 'page_up' | 'page_down' | 'top' | 'bottom'; view?: ShowGeometry }
  | { type: 'resize'; columns: number; rows: number }
  | { type: 'help' }
  | { type: 'quit' };

export function initialShowState(runbook: Runbook, size = { columns: 80, rows: 24 }, selectKey?: string): ShowState {
  const rows = showRows(runbook);
  const items = rows.flatMap((r) => (r.type === 'item' ? [r.item] : []));
  const at = selectKey ? items.findIndex((i) => i.key === selectKey) : -1;
  return { runbook, rows, items, selected: Math.max(0, at), top: 0, size, help: false };
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
      // The view measured the item's lines and the rows it has (view.ts showGeometry); nothing is measured here.
      const g = intent.view;
      if (!g) return { state: s };
      const max = Math.max(0, g.total - g.height);
      const top = Math.min(s.top, max);
      const page = Math.max(1, g.height - 1);
      const by = intent.by;
      const next = by === 'top' ? 0 : by === 'bottom' ? max : by === 'page_up' ? top - page : by === 'page_down' ? top + page : top + by;
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
