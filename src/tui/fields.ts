// Text fields: the inputs form, the database name before a destructive step,
// a skip's reason. A field is its text and a cursor; the edits a text field
// takes (type, erase either side, move the cursor, clear) are one pure
// function, so every field behaves like every other. Letters are only ever
// text here: no key shortcut acts inside a field.
import { coerceInput } from '../run/inputs.js';
import type { Input } from '../runbook/schema.js';

export interface TextField {
  text: string;
  /** Where the next character goes: an index into `text` (in code units, never inside a surrogate pair). */
  cursor: number;
}

export type TextEdit =
  | { type: 'type'; text: string }
  | { type: 'erase' }
  | { type: 'erase_forward' }
  | { type: 'clear_field' }
  | { type: 'cursor'; to: 'left' | 'right' | 'home' | 'end' };

export const emptyField: TextField = { text: '', cursor: 0 };

export function fieldOf(text: string): TextField {
  return { text, cursor: text.length };
}

/** The code-unit length of the character before (or at) `at`: 2 for a surrogate pair. */
function charBefore(text: string, at: number): number {
  if (at <= 0) return 0;
  const c = text.charCodeAt(at - 1);
  return c >= 0xdc00 && c <= 0xdfff && at >= 2 ? 2 : 1;
}

function charAt(text: string, at: number): number {
  if (at >= text.length) return 0;
  const c = text.charCodeAt(at);
  return c >= 0xd800 && c <= 0xdbff && at + 1 < text.length ? 2 : 1;
}

/**
 * Text typed into a field at its cursor. Keys can arrive together in one
 * chunk ("\u007f5" when Backspace and 5 are pressed quickly), so erase
 * characters inside the text still erase, and other control characters are
 * dropped.
 */
function insert(field: TextField, text: string): TextField {
  let { text: value, cursor } = field;
  for (const ch of text) {
    if (ch === '\u007f' || ch === '\b') {
      const n = charBefore(value, cursor);
      value = value.slice(0, cursor - n) + value.slice(cursor);
      cursor -= n;
    } else if (ch >= ' ' && ch !== '\u009b') {
      value = value.slice(0, cursor) + ch + value.slice(cursor);
      cursor += ch.length;
    }
  }
  return { text: value, cursor };
}

export function editField(field: TextField, edit: TextEdit): TextField {
  const { text, cursor } = field;
  switch (edit.type) {
    case 'type':
      return insert(field, edit.text);
    case 'erase': {
      const n = charBefore(text, cursor);
      return { text: text.slice(0, cursor - n) + text.slice(cursor), cursor: cursor - n };
    }
    case 'erase_forward':
      return { text: text.slice(0, cursor) + text.slice(cursor + charAt(text, cursor)), cursor };
    case 'clear_field':
      return emptyField;
    case 'cursor':
      switch (edit.to) {
        case 'left':
          return { text, cursor: cursor - charBefore(text, cursor) };
        case 'right':
          return { text, cursor: cursor + charAt(text, cursor) };
        case 'home':
          return { text, cursor: 0 };
        case 'end':
          return { text, cursor: text.length };
      }
  }
}

/** Text typed at the end of a value (keys of one chunk applied in order). */
export function typed(value: string, text: string): string {
  return insert(fieldOf(value), text).text;
}

/** One input of the inputs form. */
export interface InputField {
  name: string;
  spec: Input;
  value: string;
  cursor: number;
  /** Why the value is not acceptable yet; null when it is. */
  problem: string | null;
}

/** Checks a field's value as typed, with the same rules the session applies. */
export function validateField(field: InputField): InputField {
  const { name, spec, value } = field;
  if (value === '') return { ...field, problem: spec.required ? `${name}: required` : null };
  const { problem } = coerceInput(name, spec, value);
  return { ...field, problem: problem ?? null };
}

export function makeFields(specs: Readonly<Record<string, Input>>, current: Readonly<Record<string, unknown>>): InputField[] {
  return Object.entries(specs).map(([name, spec]) => {
    const v = current[name] ?? spec.default;
    const value = v === undefined || v === null ? '' : String(v);
    return validateField({ name, spec, value, cursor: value.length, problem: null });
  });
}
