// The window a list shows when it is longer than its rows: the three screens
// (run, show, picker) keep the selected entry in sight the same way — about a
// third of the way down — and say what is above and below it the same way.
import { fit, plain, type Line } from '../line.js';

/** The first entry on view for `count` entries, `at` selected, `height` rows. */
export function windowTop(count: number, at: number, height: number): number {
  if (count <= height) return 0;
  return Math.max(0, Math.min(count - height, at - Math.floor(height / 3)));
}

/** "↑ 3 more · ↓ 12 more" (either part alone, or nothing when all is on view). */
export function moreWords(above: number, below: number): string {
  return [above > 0 ? `↑ ${above} more` : '', below > 0 ? `↓ ${below} more` : ''].filter(Boolean).join(' · ');
}

/** `all` cut to `height` rows around line `at`; the first and last rows say what is above and below. */
export function windowLines(all: Line[], at: number, width: number, height: number): Line[] {
  if (all.length <= height) return all;
  const top = windowTop(all.length, at, height);
  const shown = all.slice(top, top + height);
  if (top > 0) shown[0] = fit(plain(`  ${moreWords(top, 0)}`, { tone: 'muted' }), width);
  const below = all.length - (top + height);
  if (below > 0) shown[shown.length - 1] = fit(plain(`  ${moreWords(0, below)}`, { tone: 'muted' }), width);
  return shown;
}
