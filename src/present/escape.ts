// Text from a runbook file, the database or a shell is untrusted: before it
// reaches a terminal or a document it is escaped here, so an escape sequence
// in a title cannot retitle the window or clear the screen, and a backtick or
// a "<" in an input cannot end a code span or open raw HTML in a report.
//
// Control characters are shown, not dropped: an operator (or a reviewer of a
// hostile runbook) sees that they were there. They are written as JSON-style
// `\u001b` escapes, which stay valid inside a JSON string too, so one function
// serves plain text and JSON lines alike.

/**
 * C0 controls (except tab and newline, handled by the callers' choice), DEL,
 * C1 controls (U+0080–U+009F: U+009B is a one-character CSI to many
 * terminals), the bidirectional overrides and isolates ("Trojan source":
 * text that reads differently from what it is), lone surrogates, and the line
 * and paragraph separators that some terminals and editors treat as newlines.
 */
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const UNSAFE_OR_BREAK = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ANY_UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF\uD800-\uDFFF]/;

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

function escapeOne(ch: string): string {
  return NAMED[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** True when `text` holds a character `printable` would escape (cheap: most text holds none). */
export function hasUnsafe(text: string): boolean {
  return ANY_UNSAFE.test(text);
}

/**
 * Text for a terminal or a log: every control character and escape sequence
 * shown as `\u001b`, `\r`...; newlines and tabs kept (it may be several lines).
 */
export function printable(text: string): string {
  return ANY_UNSAFE.test(text) ? text.replace(UNSAFE, escapeOne) : text;
}

/** One line of text for a terminal: like `printable`, and newlines and tabs shown as `\n`, `\t` too. */
export function printableLine(text: string): string {
  return text.replace(UNSAFE_OR_BREAK, escapeOne);
}

/** Text for HTML (an attribute or an element): the five characters that mean markup, and controls escaped. */
export function escapeHtml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Text inside a Markdown paragraph, list item or table cell, read as written:
 * one line; the characters that open emphasis, links, images, code spans,
 * strikethrough, a table column or a bare link backslash-escaped (CommonMark allows a
 * backslash before any ASCII punctuation); a leading `#`, `-`, `+`, `=` or
 * `1.` that would start a block escaped; and `<`, `>`, `&` as entities, so no
 * renderer sees an HTML tag (nor a `>` a blockquote).
 */
export function escapeMarkdown(text: string): string {
  return printableLine(text.replace(/\r\n|\r|\n/g, ' '))
    .replace(/[\\`*_[\]|~!]/g, (c) => `\\${c}`)
    // GFM turns bare addresses into links: "http://", "www." written so they stay text.
    .replace(/:\/\//g, '\\://')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`)
    .replace(/^(\s*)([#+=-]|\d+(?=[.)]))/, (_m, space: string, lead: string) => `${space}${/\d/.test(lead) ? `${lead}\\` : `\\${lead}`}`)
    .replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A Markdown code span holding `text` verbatim (one line): fenced with more
 * backticks than the longest run inside it, padded when it starts or ends with
 * one, and `|` escaped so it cannot split a table row (GFM reads `\|` as `|`
 * even inside a code span). Raw HTML inside a code span is never interpreted.
 */
export function markdownCode(text: string): string {
  const flat = printableLine(text.replace(/\r\n|\r|\n/g, ' ')).replace(/\|/g, '\\|');
  const longest = longestRun(flat.match(/`+/g));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/**
 * A fenced Markdown code block holding `text` (several lines): the fence is
 * longer than any run of backticks or tildes at a line start inside, so the
 * text cannot close it early.
 */
export function markdownFence(text: string, lang = ''): string[] {
  const body = printable(text);
  const longest = Math.max(2, longestRun(body.match(/^[ \t]*`+/gm)));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${/^[\w+-]*$/.test(lang) ? lang : ''}`, body, fence];
}

/** The longest of the matched runs (trimmed), without spreading a possibly huge array into arguments. */
function longestRun(runs: RegExpMatchArray | null): number {
  let longest = 0;
  for (const run of runs ?? []) longest = Math.max(longest, run.trim().length);
  return longest;
}

/**
 * A value quoted for a message, cut to `max` characters: a 10 MB value in a
 * runbook is named, not echoed ("…" and how long it really is).
 */
export function quoteCut(text: string, max = 80): string {
  if (text.length <= max) return `"${printableLine(text)}"`;
  return `"${printableLine(text.slice(0, max))}…" (${text.length.toLocaleString('en-US')} characters)`;
}
