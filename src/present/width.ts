// How many terminal columns text takes: a CJK character or an emoji takes
// two, a combining accent or a joiner none. The screen fits every line to the
// terminal's columns; lengths in characters would let "東京" in a result or a
// title push the pane beside it out of line.
//
// Counted per code point, in one pass: Intl.Segmenter (graphemes) grows
// worse than linearly on long strings in Node 20 (80,000 characters: 16 s),
// and a line a command printed can be a megabyte. An emoji sequence joined
// with U+200D counts as its first emoji, as terminals draw it.
import { eastAsianWidth } from 'get-east-asian-width';

/** Printable ASCII: one column per character, the common case, counted without looking further. */
const NARROW = /^[\x20-\x7e]*$/;
/** Combining marks, format characters (joiners), variation selectors: drawn on the character before them. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\u{FE00}-\u{FE0F}\u{1F3FB}-\u{1F3FF}\u{E0100}-\u{E01EF}]$/u;
const JOINER = 0x200d;

/** Whether `text` is printable ASCII, one column per character. */
export function isNarrow(text: string): boolean {
  return NARROW.test(text);
}

/** Each code point of `text` with the columns it takes (a code point after a joiner takes none). */
export function* characters(text: string): Generator<[string, number]> {
  let joined = false;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const w = joined || ZERO_WIDTH.test(ch) ? 0 : eastAsianWidth(cp);
    joined = cp === JOINER;
    yield [ch, w];
  }
}

/** Columns `text` takes on a terminal. */
export function columns(text: string): number {
  if (NARROW.test(text)) return text.length;
  let n = 0;
  for (const [, w] of characters(text)) n += w;
  return n;
}

/** The longest start of `text` that fits in `max` columns; a character is never split from its marks. */
export function headColumns(text: string, max: number): string {
  if (NARROW.test(text)) return text.slice(0, Math.max(0, max));
  let used = 0;
  let end = 0;
  for (const [ch, w] of characters(text)) {
    if (used + w > max) break;
    used += w;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** The longest end of `text` that fits in `max` columns. */
export function tailColumns(text: string, max: number): string {
  if (NARROW.test(text)) return max <= 0 ? '' : text.slice(-max);
  const parts = [...characters(text)];
  let used = 0;
  let start = parts.length;
  while (start > 0 && used + parts[start - 1][1] <= max) used += parts[--start][1];
  // A mark left at the start has lost its character: leave it out.
  while (start < parts.length && parts[start][1] === 0) start++;
  return parts
    .slice(start)
    .map(([ch]) => ch)
    .join('');
}

/** The first character of `text` with its marks: what a line too narrow for it still has to take, to make progress. */
export function firstCharacter(text: string): string {
  let end = 0;
  for (const [ch, w] of characters(text)) {
    if (end > 0 && w > 0) break;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** `text` padded with blanks to `w` columns, on the left ('right'-aligned) or the right: wide characters counted as two. */
export function padColumns(text: string, w: number, align: 'left' | 'right' = 'left'): string {
  const room = ' '.repeat(Math.max(0, w - columns(text)));
  return align === 'right' ? room + text : text + room;
}
