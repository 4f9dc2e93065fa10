// Known secret values (the database password, inputs declared `secret`) kept
// out of everything the program holds after the executors: the session
// (run/session.ts) masks each event where database and shell text enters the run (rows, notices,
// printed lines, error text, a check's actual value), so the state, the
// screen, plain and JSON output, the journal, the shared record and the
// reports never see them. Text the program builds itself (the target, the
// operator, its own messages) is built without secrets and not masked: masking
// it would damage the record ("as ***" for the user postgres whose password is
// postgres) and hint at the secret.
//
// How a value is found:
// - LONG_SECRET (8) characters or more: wherever it appears, even inside a
//   longer word. Eight is the usual floor for a password (NIST SP 800-63B);
//   a coincidental match of 8 characters in unrelated text is rare, and a
//   secret glued to other text ("token=abc…", base64) must still be caught.
// - Shorter: only as a whole token, between delimiters (start or end, space,
//   quotes, = , ; ( ) [ ] { } < > |). A 4-digit password "5432" is masked in
//   `PGPASSWORD=5432` or `got "5432"`, but not in "127.0.0.1:5432"; "abc" is
//   not masked inside "abcdef".
// - In any URL with a password (`scheme://user:secret@host`) the password is
//   masked whatever its length: that is what printing $DATABASE_URL shows.
// The mask is fixed (MASK): it never says how long the secret was.
import type { Input } from '../runbook/schema.js';

export const MASK = '***';
export const LONG_SECRET = 8;

const DELIMITER = `\\s"'\`=,;()\\[\\]{}<>|`;
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'`]*:)([^\s@"'`]+)@/gi;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

export class Secrets {
  private values = new Set<string>();
  private pattern: RegExp | null = null;
  /**
   * The forms the pattern looks for, when few: a text that contains none of them
   * (a substring search, much cheaper than the pattern's look-behind) cannot
   * match it, and is not scanned by it. Null: too many to test one by one.
   */
  private forms: string[] | null = null;

  constructor(values: readonly unknown[] = []) {
    this.add(...values);
  }

  /** Adds values as they become known (inputs arrive after the run starts); empty ones are ignored. */
  add(...values: readonly unknown[]): void {
    let changed = false;
    for (const raw of values) {
      if (raw === undefined || raw === null || raw === MASK) continue;
      const value = String(raw);
      if (value.trim() === '') continue;
      // The forms a secret takes in text: as is, percent-encoded in a URL, escaped inside a JSON string.
      for (const form of new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])) {
        if (!this.values.has(form)) {
          this.values.add(form);
          changed = true;
        }
      }
    }
    if (changed) {
      this.pattern = compile([...this.values]);
      this.forms = this.values.size <= MAX_FORMS_TESTED ? [...this.values] : null;
    }
  }

  get size(): number {
    return this.values.size;
  }

  /** Text with every known secret, and any URL's password, replaced by MASK. */
  readonly text = (text: string): string => {
    let out = text.includes('://') ? text.replace(URL_PASSWORD, `$1${MASK}@`) : text;
    if (this.pattern && this.mayHold(out)) {
      this.pattern.lastIndex = 0;
      out = out.replace(this.pattern, MASK);
    }
    return out;
  };

  /** Whether a text contains one of the secrets' forms (always true when they are too many to test one by one). */
  private mayHold(text: string): boolean {
    const forms = this.forms;
    if (forms === null) return true;
    for (let i = 0; i < forms.length; i++) if (text.includes(forms[i])) return true;
    return false;
  }

  /** Whether a number's or a boolean's text could be masked: only by a secret, since it holds no URL. */
  get masksScalars(): boolean {
    return this.pattern !== null;
  }

  /** Any value (a row, an error, a verdict): strings masked wherever they are; a number or boolean equal to a secret replaced. */
  readonly value = <T>(value: T): T => mask(value, this) as T;
}

/** Up to this many secret forms, a text is searched for each before the pattern runs (see Secrets.forms). */
const MAX_FORMS_TESTED = 8;

function compile(values: string[]): RegExp | null {
  if (values.length === 0) return null;
  // Longest first, so a secret that contains another is masked whole.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  const long = sorted.filter((v) => v.length >= LONG_SECRET).map(escapeRegExp);
  const short = sorted.filter((v) => v.length < LONG_SECRET).map(escapeRegExp);
  const parts: string[] = [];
  if (long.length) parts.push(`(?:${long.join('|')})`);
  if (short.length) parts.push(`(?<=^|[${DELIMITER}])(?:${short.join('|')})(?=$|[${DELIMITER}])`);
  return new RegExp(parts.join('|'), 'g');
}

/**
 * Masks copy only what they change: a value with nothing to mask is returned
 * as it is (a storm of 100,000 notices, or a data fix's 100,000 statements,
 * was copied event by event, field by field, for nothing to mask).
 */
function mask(value: unknown, secrets: Secrets): unknown {
  if (typeof value === 'string') return secrets.text(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    if (!secrets.masksScalars) return value;
    const text = String(value);
    const masked = secrets.text(text);
    return masked === text ? value : masked;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const masked = mask(value[i], secrets);
      if (masked !== value[i]) (out ??= value.slice())[i] = masked;
    }
    return out ?? value;
  }
  if (value instanceof Date || value === null || value === undefined) return value;
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    const plain = proto === Object.prototype || proto === null;
    const fields = value as Record<string, unknown>;
    if (plain) {
      // for…in, not Object.entries: no array per object and none per field (a notice storm walks 100,000 events).
      // A plain object's own enumerable fields are all for…in sees: Object.prototype has no enumerable ones.
      let out: Record<string, unknown> | null = null;
      for (const k in fields) {
        const v = fields[k];
        const masked = mask(v, secrets);
        if (out) out[k] = masked;
        else if (masked !== v) (out = { ...fields })[k] = masked;
      }
      return out ?? value;
    }
    // Anything but a plain object becomes one, with its own enumerable fields (as it always did).
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(fields)) out[k] = mask(fields[k], secrets);
    return out;
  }
  return value;
}

/** The password in a connection URL, if any (decoded). */
export function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** The values of the runbook's secret inputs among `inputs`. */
export function secretInputValues(specs: Readonly<Record<string, Input>>, inputs: Readonly<Record<string, unknown>> | null | undefined): unknown[] {
  if (!inputs) return [];
  return Object.entries(specs)
    .filter(([name, spec]) => spec.secret && inputs[name] !== undefined)
    .map(([name]) => inputs[name]);
}
