// Moving around the run screen: which item the step view shows (↑↓, Home/End)
// and where its scrolled window starts. The geometry comes with the intent,
// measured by the view (views/geometry.ts): nothing here measures the screen.
import type { Intent, ScrollBy } from './intents.js';
import { flash } from './prompts.js';
import { questionKey, viewedKey, type DetailGeometry, type UiState } from './state.js';

export function select(state: UiState, intent: Extract<Intent, { type: 'select' | 'select_edge' }>): UiState {
  if (questionKey(state) !== null) return flash(state, 'The step view shows the step being confirmed: answer the question (or Esc) first.', 'warn');
  const items = state.run.items;
  let next;
  if (intent.type === 'select') {
    const keys = items.map((i) => i.key);
    const at = keys.indexOf(viewedKey(state) ?? '');
    next = keys[Math.min(keys.length - 1, Math.max(0, at + intent.delta))];
  } else next = (intent.edge === 'first' ? items[0] : items[items.length - 1])?.key;
  return { ...state, selected: next ?? null, detailTop: null };
}

export function scroll(state: UiState, by: ScrollBy, g: DetailGeometry): UiState {
  const max = Math.max(0, g.total - g.height);
  if (by === 'bottom') return { ...state, detailTop: null };
  if (by === 'top') return { ...state, detailTop: 0 };
  const page = Math.max(1, g.height - 1);
  const delta = by === 'page_up' ? -page : by === 'page_down' ? page : by;
  const top = Math.min(max, Math.max(0, g.top + delta));
  // Reaching the end while the view follows the tail resumes following.
  if (top >= max && g.followsTail) return { ...state, detailTop: null };
  return { ...state, detailTop: top };
}
