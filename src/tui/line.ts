// What the views produce: lines of styled segments, already fitted to a
// width. Tones are semantic ("ok", "bad"); the theme turns them into colors,
// or into nothing at all under NO_COLOR.
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
  return line.reduce((n, s) => n + s.text.length, 0);
}

/** Cuts a line to `width` columns (an ellipsis marks the cut); `fill` pads it to exactly `width`. */
export function fit(line: Line, width: number, fill = false): Line {
  const out: Line = [];
  let left = Math.max(0, width);
  const total = lineWidth(line);
  const cut = total > left;
  for (const s of line) {
    if (left <= 0) break;
    if (s.text.length <= left && !(cut && s.text.length === left)) {
      out.push(s);
      left -= s.text.length;
    } else {
      const room = cut ? left - 1 : left;
      out.push({ ...s, text: `${s.text.slice(0, Math.max(0, room))}${cut ? '…' : ''}` });
      left = 0;
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
