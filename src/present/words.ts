// Small shared wordings: text on one line, bounded (in terminal columns).
import { columns, headColumns } from './width.js';

/** Flattens white space to single spaces and cuts at `max` columns with …: "CREATE INDEX … ON t (a)". */
export function oneLine(text: string, max = Infinity): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return columns(flat) > max ? `${headColumns(flat, Math.max(0, max - 1))}…` : flat;
}

/** One line, at most max characters, ending in … when cut; line breaks show as ↵. */
export function shorten(text: string, max = 80): string {
  const flat = text.replace(/\r?\n/g, ' ↵ ');
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}
