// Keys typed before the run screen was up (held unechoed by cli/type-ahead.ts):
// which of them the screen takes. The decision, deliberately narrow: only
// moves of the view (the arrows, PageUp/PageDown, Home/End) are replayed into
// the screen. Every other key — Enter, y, a, a letter, a digit, Esc — is
// dropped, and the screen says which (present/type-ahead): a go-ahead is taken
// only from a key pressed while its step and question are on view, never from
// keys typed before the operator could see what they would answer (a `y` or an
// Enter typed ahead must not confirm a step, least of all a destructive one).
// Ctrl-C is never held: it interrupts at once.
import { NO_KEY, type KeyInfo } from './keys.js';

/** The escape sequences of the keys that only move the view (xterm's CSI and SS3 forms). */
const NAVIGATION: Record<string, keyof KeyInfo> = {
  '\u001B[A': 'upArrow',
  '\u001BOA': 'upArrow',
  '\u001B[B': 'downArrow',
  '\u001BOB': 'downArrow',
  '\u001B[C': 'rightArrow',
  '\u001BOC': 'rightArrow',
  '\u001B[D': 'leftArrow',
  '\u001BOD': 'leftArrow',
  '\u001B[5~': 'pageUp',
  '\u001B[6~': 'pageDown',
  '\u001B[H': 'home',
  '\u001BOH': 'home',
  '\u001B[1~': 'home',
  '\u001B[7~': 'home',
  '\u001B[F': 'end',
  '\u001BOF': 'end',
  '\u001B[4~': 'end',
  '\u001B[8~': 'end',
};

/** A CSI (ESC [ … final) or SS3 (ESC O x) sequence at the start of the text. */
const SEQUENCE = /^\u001B(?:\[[0-9;?]*[\u0020-\u002F]*[\u0040-\u007E]|O[\u0040-\u007E])/;

export interface EarlyKeys {
  /** Moves of the view, in the order typed: replayed into the screen as keys. */
  replay: KeyInfo[];
  /** Everything else, one entry per key as typed (a character or an escape sequence): not taken. */
  dropped: string[];
}

export function sortEarlyKeys(typed: string): EarlyKeys {
  const replay: KeyInfo[] = [];
  const dropped: string[] = [];
  let i = 0;
  while (i < typed.length) {
    const rest = typed.slice(i);
    const sequence = rest.startsWith('\u001B') ? SEQUENCE.exec(rest)?.[0] : undefined;
    if (sequence) {
      const move = NAVIGATION[sequence];
      if (move) replay.push({ ...NO_KEY, [move]: true });
      else dropped.push(sequence);
      i += sequence.length;
      continue;
    }
    const ch = String.fromCodePoint(rest.codePointAt(0)!);
    dropped.push(ch);
    i += ch.length;
  }
  return { replay, dropped };
}
