// Draws the run screen on the terminal from its rows (views/screen.ts),
// writing only the rows that changed since the last frame. A row is a Line of
// styled segments already cut to the terminal's width, so drawing it is
// joining its text with the SGR codes of its tones: no layout engine, no
// cell grid. (Ink laid out and composed all 120×40 cells of every frame, at
// 15–50 ms a frame, most of the screen's time in a storm of notices.)
import type { Line, Seg } from './line.js';
import { clean } from './text.js';
import type { Theme } from './theme.js';

/** SGR foreground codes of the theme's colors. */
const FOREGROUND: Record<string, number> = { black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37, gray: 90 };

const BEGIN_SYNC = '\u001B[?2026h';
const END_SYNC = '\u001B[?2026l';
const HIDE_CURSOR = '\u001B[?25l';
const CLEAR_SCREEN = '\u001B[2J';
const CLEAR_TO_END = '\u001B[K';

function sgr(s: Seg, theme: Theme): string {
  let codes = '';
  if (s.bold) codes += '\u001B[1m';
  if (s.dim || theme.dimOf(s.tone)) codes += '\u001B[2m';
  if (s.underline) codes += '\u001B[4m';
  if (s.inverse) codes += '\u001B[7m';
  const color = theme.colorOf(s.tone);
  if (color !== undefined && FOREGROUND[color] !== undefined) codes += `\u001B[${FOREGROUND[color]}m`;
  return codes;
}

/** One row as terminal text: each segment's text (cleaned of control characters) in its style. */
export function lineAnsi(line: Line, theme: Theme): string {
  let out = '';
  for (const s of line) {
    const text = clean(s.text.replace(/\n/g, ' '));
    if (!text) continue;
    const style = sgr(s, theme);
    out += style ? `${style}${text}\u001B[0m` : text;
  }
  return out;
}

export interface PaintTarget {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Painter {
  /** What each row of the terminal shows, as written; empty until the first frame, and after invalidate(). */
  private shown: string[] = [];
  private cursorHidden = false;

  constructor(
    private readonly out: PaintTarget,
    private readonly theme: Theme,
  ) {}

  /** The next frame redraws every row (the terminal was resized or written over). */
  invalidate(): void {
    this.shown = [];
  }

  /** Draws `rows` from the terminal's first line, each row only when it differs from what is there. */
  paint(rows: readonly Line[]): void {
    const full = this.shown.length !== rows.length;
    let text = '';
    if (!this.cursorHidden) {
      text += HIDE_CURSOR;
      this.cursorHidden = true;
    }
    if (full) text += CLEAR_SCREEN;
    const next: string[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = lineAnsi(rows[i], this.theme);
      next[i] = row;
      if (!full && this.shown[i] === row) continue;
      text += `\u001B[${i + 1};1H${row}${CLEAR_TO_END}`;
    }
    this.shown = next;
    if (!text) return;
    // Inside a synchronized update a terminal shows the frame whole, never half drawn.
    this.out.write(this.out.isTTY ? BEGIN_SYNC + text + END_SYNC : text);
  }
}
