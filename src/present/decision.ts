// An operator's decision in words, for the plain output, the screen and the
// reports: who decided what, about which item. A document marks names and
// free text its own way (a Markdown code span, escaped text): it passes its
// `Marks`; the words stay these.
import type { Decision, FlagConsent } from '../engine/state.js';
import { oneLine } from './words.js';

export interface Marks {
  /** An identifier: a database name, a troubleshooting entry's id. */
  name(text: string): string;
  /** Free text (a title, a reason, a confirmation), on one line, at most `max` long. */
  text(text: string, max?: number): string;
}

export const PLAIN_MARKS: Marks = { name: (s) => s, text: (s, max) => oneLine(s, max) };

/**
 * "confirmed “I have a backup” (Backup taken)"; `title` names the item, and is
 * left out where the item is plain from the context (its own step view).
 */
/** "auto-confirmed (--yes) by alice": a yes a flag gave, never to be read as a person's. */
export function autoWords(auto: FlagConsent, m: Marks = PLAIN_MARKS): string {
  return `auto-confirmed (${m.name(auto.flag)}) by ${m.name(auto.by)}`;
}

export function decisionWords(d: Decision, title?: string, m: Marks = PLAIN_MARKS): string {
  const of = title === undefined ? '' : ` ${m.text(title)}`;
  switch (d.type) {
    case 'confirmed':
      return `${d.auto ? autoWords(d.auto, m) : 'confirmed'} “${m.text(d.text, 300)}”${title === undefined ? '' : ` (${m.text(title)})`}`;
    case 'danger_confirmed':
      if (d.auto) return `${autoWords(d.auto, m)}: destructive step${of} on database ${m.name(d.database)}`;
      return `typed the database name ${m.name(d.database)} to allow${of || ' this destructive step'}`;
    case 'skipped':
      return `skipped${of}: ${m.text(d.reason, 300)}`;
    case 'retried':
      return `retried${of}`;
    case 'fix_run':
      return `ran troubleshooting fix ${m.name(d.entryId)}${title === undefined ? '' : ` for${of}`} (${d.ok ? 'ok' : 'failed'})`;
    case 'checked':
      return `ticked${of}`;
    case 'approved':
      return `approved${of} — by ${m.name(d.by)} as database role ${m.name(d.role)}`;
  }
}

/** A troubleshooting fix's outcome: "fix add-index ran", "fix add-index failed". */
export function fixWords(entryId: string, ok: boolean, m: Marks = PLAIN_MARKS): string {
  return `fix ${m.name(entryId)} ${ok ? 'ran' : 'failed'}`;
}
