// The step view's scroll geometry: how many lines it has, how many fit, and
// which one is at the top right now. The view measures it; the controller
// hands it to the store with each scroll intent, so both agree on what
// "page down" means and the store never imports a view.
import { viewedKey, findItem, type DetailGeometry, type UiState } from '../state.js';
import { detailParts } from './detail.js';
import { frameOf } from './layout.js';

export type { DetailGeometry } from '../state.js';

export function detailGeometry(ui: UiState): DetailGeometry {
  const frame = frameOf(ui);
  const item = findItem(ui, viewedKey(ui));
  const parts = detailParts(ui, item, frame.mainWidth);
  return placeDetail(parts.body.length, frame.bodyHeight - parts.pinned.length, ui.detailTop, parts.followsTail);
}

/** Where the window over `total` lines sits, given `height` rows (one is kept for the scroll marker when it overflows). */
export function placeDetail(total: number, rows: number, detailTop: number | null, followsTail: boolean): DetailGeometry {
  const height = Math.max(1, total > rows ? rows - 1 : rows);
  const max = Math.max(0, total - height);
  const top = detailTop === null ? (followsTail ? max : 0) : Math.min(max, Math.max(0, detailTop));
  return { total, height, top, followsTail };
}
