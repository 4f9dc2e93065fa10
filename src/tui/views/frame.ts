// The frame the screens share, as rows: a header, a body — a list on the
// left with a rule beside it when the terminal is wide enough, and the main
// pane — then a rule and the footer lines (a question panel, the keys). Each
// screen computes its lines; the frame only places them, every row exactly
// `width` columns wide, so a terminal can be drawn row by row from it.
import { fit, lineWidth, plain, seg, type Line } from '../line.js';

export interface FrameParts {
  width: number;
  /** The whole frame's rows; omitted, it is as tall as its parts. */
  height?: number;
  header: Line[];
  bodyHeight: number;
  /** The list beside the main pane, or none (a narrow terminal, a full-width view). */
  list?: { lines: Line[]; width: number } | null;
  main: Line[];
  mainWidth?: number;
  /** Under the rule: the question panel, the keys. */
  footer: Line[];
}

/** A line cut to `width` columns and padded with plain spaces (a highlighted row's color stops where its text does). */
export function padded(line: Line, width: number): Line {
  const out = fit(line, width);
  const used = lineWidth(out);
  return used < width ? [...out, seg(' '.repeat(width - used))] : out;
}

export function frameLines({ width, height, header, bodyHeight, list, main, mainWidth, footer }: FrameParts): Line[] {
  const withList = list && list.width > 0 ? list : null;
  const paneWidth = mainWidth ?? (withList ? width - withList.width - 1 : width);
  const rows: Line[] = header.map((l) => padded(l, width));
  for (let i = 0; i < bodyHeight; i++) {
    const pane = padded(main[i] ?? [], paneWidth);
    rows.push(withList ? [...padded(withList.lines[i] ?? [], withList.width), seg('│', { tone: 'muted' }), ...pane] : pane);
  }
  rows.push(padded(plain('─'.repeat(width), { tone: 'muted' }), width));
  for (const l of footer) rows.push(padded(l, width));
  if (height === undefined) return rows;
  while (rows.length < height) rows.push(padded([], width));
  return rows.slice(0, height);
}
