// Tones to terminal colors. NO_COLOR (https://no-color.org) turns colors off;
// bold, dim and inverse stay, so the screen is still readable in monochrome.
import type { Tone } from './line.js';

export interface Theme {
  color: boolean;
  /** The Ink color for a tone, or undefined for the terminal's own. */
  colorOf(tone: Tone | undefined): string | undefined;
  /** Tones that must stay distinct without color are dimmed instead. */
  dimOf(tone: Tone | undefined): boolean;
}

const COLORS: Record<Tone, string> = {
  ok: 'green',
  bad: 'red',
  warn: 'yellow',
  accent: 'cyan',
  muted: 'gray',
  keyword: 'blue',
  string: 'green',
  number: 'magenta',
  comment: 'gray',
  title: 'white',
};

export function makeTheme(color: boolean): Theme {
  return {
    color,
    colorOf: (tone) => (color && tone ? COLORS[tone] : undefined),
    dimOf: (tone) => !color && (tone === 'muted' || tone === 'comment'),
  };
}

/** Color unless NO_COLOR is set to anything non-empty, or the terminal is "dumb". */
export function colorWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return true;
}
