// The step view's scroll geometry: how many lines it has, how many fit, and
// which one is at the top right now. Shared by the view and by the store's
// scroll intents, so both agree on what "page down" means.
import { viewedKey, findItem, type UiState } from '../store.js';
import { detailParts } from './detail.js';
import { frameOf } from './layout.js';

export interface DetailGeometry {
  /** Lines of the scrolled part. */
  total: number;
  /** How many of them fit. */
  height: number;
  /** The first one shown. */
  top: number;
  /** Whether, when followed, the view sticks to the end (there is output to follow). */
  followsTail: boolean;
}

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
