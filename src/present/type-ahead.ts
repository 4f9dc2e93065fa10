// The note the run screen shows when keys typed before it was up were not
// taken (tui/type-ahead.ts decides which): which keys, named as on a keyboard.

/** A key as typed, named: "y", "Enter", "Space", "Ctrl-D", "Esc". */
export function keyName(key: string): string {
  if (key === '\r' || key === '\n') return 'Enter';
  if (key === ' ') return 'Space';
  if (key === '\t') return 'Tab';
  if (key === '\u007F' || key === '\b') return 'Backspace';
  if (key === '\u001B') return 'Esc';
  if (key.startsWith('\u001B')) return 'a function key';
  const code = key.codePointAt(0) ?? 0;
  if (key.length === 1 && code < 0x20) return `Ctrl-${String.fromCharCode(code + 64)}`;
  if (code < 0x20 || (code >= 0x7f && code < 0xa0)) return 'a control key';
  return key;
}

const NAMED = 6;

function keysWords(dropped: readonly string[]): string {
  const n = dropped.length;
  return `${n} key${n === 1 ? '' : 's'} typed before `;
}

function names(dropped: readonly string[]): string {
  return dropped.slice(0, NAMED).map(keyName).join(', ') + (dropped.length > NAMED ? ', …' : '');
}

/** On the run screen: "Ignored 3 keys typed before the screen was up: y, Enter, a. …", or null when none was dropped. */
export function typeAheadNote(dropped: readonly string[]): string | null {
  if (dropped.length === 0) return null;
  return `Ignored ${keysWords(dropped)}the screen was up: ${names(dropped)}. Press again with the step on view.`;
}

/** Before a question asked on the terminal (resume an unfinished run?): the keys typed ahead do not answer it. */
export function typeAheadQuestionNote(dropped: readonly string[]): string | null {
  if (dropped.length === 0) return null;
  return `(Ignored ${keysWords(dropped)}this question: ${names(dropped)}.)`;
}
