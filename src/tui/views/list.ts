// The step list: prerequisites, steps and checklist, each with its status;
// the item the run is at marked, the one on view highlighted, and a window
// that scrolls to keep the highlighted one in sight.
import type { ItemState } from '../../engine/state.js';
import { fit, lineWidth, seg, styled, type Line } from '../line.js';
import { currentKey, viewedKey, type UiState } from '../state.js';
import { oneLine } from '../text.js';
import { STATUS } from './detail.js';
import { windowLines } from './window.js';

const GROUP: Record<ItemState['kind'], string> = { prerequisite: 'Prerequisites', step: 'Steps', checklist: 'Checklist' };

export function listLines(ui: UiState, width: number, height: number): Line[] {
  if (width <= 0 || height <= 0) return [];
  const current = currentKey(ui);
  const viewed = viewedKey(ui);
  const all: Line[] = [];
  let viewedAt = 0;
  let kind: ItemState['kind'] | null = null;
  for (const item of ui.run.items) {
    if (item.kind !== kind) {
      kind = item.kind;
      const n = ui.run.items.filter((i) => i.kind === kind).length;
      all.push([seg(`${GROUP[kind]} `, { bold: true, tone: 'muted' }), seg(`(${n})`, { tone: 'muted' })]);
    }
    const st = STATUS[item.status];
    const isCurrent = item.key === current && !ui.run.ended;
    let line: Line = [
      seg(isCurrent ? '▸' : ' ', { tone: 'accent', bold: true }),
      seg(`${st.icon} `, { tone: st.tone, bold: true }),
      seg(oneLine(item.title), { ...(isCurrent ? { bold: true } : {}), ...(item.status === 'pending' && !isCurrent ? { dim: true } : {}) }),
    ];
    if (item.status === 'skipped' && item.skipReason) line.push(seg(` — ${oneLine(item.skipReason)}`, { tone: 'warn' }));
    // The attempt count stays in sight at the right end; the title gives way.
    const attempts = item.attempts > 1 ? [seg(` ×${item.attempts}`, { tone: 'warn', bold: true })] : [];
    line = attempts.length ? [...fit(line, width - lineWidth(attempts), true), ...attempts] : fit(line, width, item.key === viewed);
    if (item.key === viewed) {
      viewedAt = all.length;
      line = styled(line, { inverse: true });
    }
    all.push(line);
  }
  return windowLines(all, viewedAt, width, height);
}
