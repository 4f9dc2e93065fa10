// What the views produce: lines of styled segments, already fitted to a
// width. Tones are semantic ("ok", "bad"); the theme turns them into colors,
// or into nothing at all under NO_COLOR. Widths are terminal columns (width.ts).
import { characters, columns, headColumns, isNarrow } from '../present/width.js';

export type Tone = 'ok' | 'bad' | 'warn' | 'accent' | 'muted' | 'keyword' | 'string' | 'number' | 'comment' | 'title';

export interface Seg {
  text: string;
  tone?: Tone;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  underline?: boolean;
}

export type Line = Seg[];

export function seg(text: string, style: Omit<Seg, 'text'> = {}): Seg {
  return { text, ...style };
}

export function plain(text: string, style: Omit<Seg, 'text'> = {}): Line {
  return [seg(text, style)];
}

export const blank: Line = [];

export function lineText(line: Line): string {
  return line.map((s) => s.text).join('');
}

export function lineWidth(line: Line): number {
  return line.reduce((n, s) => n + columns(s.text), 0);
}

/** Cuts a line to `width` columns (an ellipsis marks the cut); `fill` pads it to exactly `width`. */
export function fit(line: Line, width: number, fill = false): Line {
  const out: Line = [];
  let left = Math.max(0, width);
  const total = lineWidth(line);
  const cut = total > left;
  for (const s of line) {
    if (left <= 0) break;
    const w = columns(s.text);
    if (w <= left && !(cut && w === left)) {
      out.push(s);
      left -= w;
    } else {
      const room = cut ? left - 1 : left;
      const head = headColumns(s.text, Math.max(0, room));
      out.push({ ...s, text: `${head}${cut ? '…' : ''}` });
      // A wide character that did not fit leaves a column: padding fills it.
      left = room - columns(head);
      break;
    }
  }
  if (fill && left > 0) {
    const last = out[out.length - 1];
    if (last?.inverse) out.push({ text: ' '.repeat(left), inverse: true, tone: last.tone });
    else out.push({ text: ' '.repeat(left) });
  }
  return out;
}

/** Two lines side by side: `left` padded to `leftWidth`, then a gap, then `right`. */
export function beside(left: Line, right: Line, leftWidth: number, gap = ' │ '): Line {
  return [...fit(left, leftWidth, true), seg(gap, { tone: 'muted' }), ...right];
}

/** Marks every segment of a line (for highlighting a selected row). */
export function styled(line: Line, style: Omit<Seg, 'text'>): Line {
  return line.map((s) => ({ ...s, ...style }));
}

/** Breaks a line into pieces of at most `width` columns, at spaces where it can (code keeps its styling). */
export function wrapLine(line: Line, width: number): Line[] {
  const w = Math.max(1, width);
  if (lineWidth(line) <= w) return [line];
  const cuts = breakPoints(lineText(line), w);
  const out: Line[] = [];
  let pos = 0;
  let current: Line = [];
  let next = cuts.shift();
  for (const s of line) {
    let t = s.text;
    while (t.length > 0) {
      const room = next === undefined ? t.length : next - pos;
      const piece = t.slice(0, room);
      if (piece) current.push({ ...s, text: piece });
      pos += piece.length;
      t = t.slice(piece.length);
      if (next !== undefined && pos >= next) {
        out.push(current);
        current = [];
        next = cuts.shift();
      }
    }
  }
  if (current.length) out.push(current);
  return out;
}

/**
 * Where to break `text` into pieces of at most `w` columns (string indices):
 * at the piece's last space when that keeps more than 60 % of it, else at the
 * column limit. One pass, so a megabyte-long line costs what its length does.
 */
function breakPoints(text: string, w: number): number[] {
  const cuts: number[] = [];
  let start = 0;
  if (isNarrow(text)) {
    while (text.length - start > w) {
      let end = start + w;
      // Only the piece itself is searched: a long line without spaces must not be scanned back to its start at every cut.
      const space = start + text.slice(start, end).lastIndexOf(' ');
      if (space > start + Math.floor(w * 0.6)) end = space + 1;
      cuts.push(end);
      start = end;
    }
    return cuts;
  }
  let used = 0;
  let index = 0;
  let lastSpace = -1;
  for (const [ch, cw] of characters(text)) {
    if (used + cw > w && index > start) {
      const end = lastSpace > start + Math.floor((index - start) * 0.6) ? lastSpace + 1 : index;
      cuts.push(end);
      start = end;
      used = columns(text.slice(start, index));
    }
    if (ch === ' ') lastSpace = index;
    used += cw;
    index += ch.length;
  }
  return cuts;
}

/** At most `max` lines; when some were cut, the last one kept ends with an ellipsis. */
export function clipLines(lines: Line[], max: number, width: number): Line[] {
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  const last = kept[max - 1];
  kept[max - 1] = [...fit(last, Math.max(1, width - 1)), seg('…')];
  return kept;
}
