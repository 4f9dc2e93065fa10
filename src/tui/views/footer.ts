// One footer for every screen (run, watch, show, the picker, the fleet view):
// each screen says what its footer holds — the keys that work right now, or a
// short message in their place, or a lead before the keys — as a `Footer`,
// and this one function draws it, so a key looks the same everywhere
// (`[Enter] run`), and the keys the screens share are worded once.
import { fit, seg, type Line, type Seg, type Tone } from '../line.js';

export interface KeyHint {
  key: string;
  label: string;
  /** Shown dimmed: the key exists but does nothing here, and the label says why. */
  disabled?: boolean;
}

export interface Footer {
  /** In place of the keys: what just happened, or why a key did nothing. */
  message?: { text: string; tone: Tone };
  /** Before the keys: what the screen is waiting for, whose run it is. */
  lead?: { text: string; tone: Tone; bold?: boolean };
  keys: KeyHint[];
}

/** The keys more than one screen has, worded once. */
export const KEYS = {
  help: { key: '?', label: 'keys' },
  items: { key: '↑↓', label: 'items' },
  scroll: { key: 'PgUp/PgDn', label: 'scroll' },
} as const satisfies Record<string, KeyHint>;

/** Lays key hints out over as few lines as fit (a question panel may take two). */
export function packKeys(hints: readonly KeyHint[], width: number): Line[] {
  const out: Line[] = [];
  let line: Seg[] = [];
  let used = 0;
  for (const h of hints) {
    const text = `[${h.key}] ${h.label}`;
    const need = (used > 0 ? 2 : 0) + text.length;
    if (used > 0 && used + need > width) {
      out.push(line);
      line = [];
      used = 0;
    }
    if (used > 0) line.push(seg('  '));
    line.push(seg(`[${h.key}]`, { bold: !h.disabled, tone: h.disabled ? 'muted' : 'accent', ...(h.disabled ? { dim: true } : {}) }));
    line.push(seg(` ${h.label}`, h.disabled ? { tone: 'muted', dim: true } : {}));
    used += (used > 0 ? 2 : 0) + text.length;
  }
  if (line.length) out.push(line);
  return out.map((l) => fit(l, width));
}

/** The footer line: the message, or the lead and as many keys as fit on one line. */
export function footerLine(f: Footer, width: number): Line {
  if (f.message) return fit([seg(f.message.text, { tone: f.message.tone, bold: true })], width);
  const keys = packKeys(f.keys, width)[0] ?? [];
  if (!f.lead) return keys;
  return fit([seg(f.lead.text, { tone: f.lead.tone, bold: f.lead.bold ?? false }), ...keys], width);
}
