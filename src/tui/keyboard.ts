// The run screen's keys, read from the terminal in raw mode and reported as
// (input, KeyInfo), as Ink's useInput reported them (its input parser and
// keypress names, ported for the legacy xterm encodings a terminal sends
// without the kitty protocol): keys.ts and the controller stay as they were,
// and the run screen needs neither React nor Ink (~110 ms of CPU and ~10 MiB
// at every start). A chunk is cut into key sequences; plain text between
// escape sequences stays one input (a paste, or keys pressed quickly: the
// controller takes those apart). An escape sequence split across chunks waits
// for its end; a lone Esc is reported once nothing follows it at once.
import { NO_KEY, type KeyInfo } from './keys.js';

const ESC = '\u001B';

/** xterm and rxvt names of the escape sequences (ESC stripped), as Ink's parse-keypress has them. */
const KEY_NAME: Record<string, string> = {
  OP: 'f1', OQ: 'f2', OR: 'f3', OS: 'f4',
  '[11~': 'f1', '[12~': 'f2', '[13~': 'f3', '[14~': 'f4',
  '[[A': 'f1', '[[B': 'f2', '[[C': 'f3', '[[D': 'f4', '[[E': 'f5',
  '[15~': 'f5', '[17~': 'f6', '[18~': 'f7', '[19~': 'f8', '[20~': 'f9', '[21~': 'f10', '[23~': 'f11', '[24~': 'f12',
  '[A': 'up', '[B': 'down', '[C': 'right', '[D': 'left', '[E': 'clear', '[F': 'end', '[H': 'home',
  OA: 'up', OB: 'down', OC: 'right', OD: 'left', OE: 'clear', OF: 'end', OH: 'home',
  '[1~': 'home', '[2~': 'insert', '[3~': 'delete', '[4~': 'end', '[5~': 'pageup', '[6~': 'pagedown',
  '[[5~': 'pageup', '[[6~': 'pagedown', '[7~': 'home', '[8~': 'end',
  '[a': 'up', '[b': 'down', '[c': 'right', '[d': 'left', '[e': 'clear',
  '[2$': 'insert', '[3$': 'delete', '[5$': 'pageup', '[6$': 'pagedown', '[7$': 'home', '[8$': 'end',
  Oa: 'up', Ob: 'down', Oc: 'right', Od: 'left', Oe: 'clear',
  '[2^': 'insert', '[3^': 'delete', '[5^': 'pageup', '[6^': 'pagedown', '[7^': 'home', '[8^': 'end',
  '[Z': 'tab',
};
const SHIFTED = new Set(['[a', '[b', '[c', '[d', '[e', '[2$', '[3$', '[5$', '[6$', '[7$', '[8$', '[Z']);
const CTRLED = new Set(['Oa', 'Ob', 'Oc', 'Od', 'Oe', '[2^', '[3^', '[5^', '[6^', '[7^', '[8^']);
/** Keys whose input is reported empty: they are not text. */
const NOT_TEXT = new Set([...Object.values(KEY_NAME), 'backspace']);
const META_KEY = /^\u001B([a-zA-Z0-9])$/;
const FUNCTION_KEY = /^(?:\u001B+)(O|N|\[|\[\[)(?:(\d+)(?:;(\d+))?([~^$])|(?:1;)?(\d+)?([a-zA-Z]))/;

interface Keypress {
  name: string;
  ctrl: boolean;
  meta: boolean;
  shift: boolean;
  option: boolean;
}

function keypress(s: string): Keypress {
  const k: Keypress = { name: '', ctrl: false, meta: false, shift: false, option: false };
  let parts: RegExpExecArray | null;
  if (s === '\r' || s === '\u001B\r') {
    k.name = 'return';
    k.option = s.length === 2;
  } else if (s === '\n') k.name = 'enter';
  else if (s === '\t') k.name = 'tab';
  else if (s === '\b' || s === '\u001B\b') {
    k.name = 'backspace';
    k.meta = s.startsWith(ESC);
  } else if (s === '\u007F' || s === '\u001B\u007F') {
    k.name = 'delete';
    k.meta = s.startsWith(ESC);
  } else if (s === ESC || s === '\u001B\u001B') {
    k.name = 'escape';
    k.meta = s.length === 2;
  } else if (s === ' ' || s === '\u001B ') {
    k.name = 'space';
    k.meta = s.length === 2;
  } else if (s.length === 1 && s <= '\u001A') {
    k.name = String.fromCharCode(s.charCodeAt(0) + 'a'.charCodeAt(0) - 1);
    k.ctrl = true;
  } else if (s.length === 1 && s >= '0' && s <= '9') k.name = 'number';
  else if (s.length === 1 && s >= 'a' && s <= 'z') k.name = s;
  else if (s.length === 1 && s >= 'A' && s <= 'Z') {
    k.name = s.toLowerCase();
    k.shift = true;
  } else if ((parts = META_KEY.exec(s))) {
    k.meta = true;
    k.shift = /^[A-Z]$/.test(parts[1]);
  } else if ((parts = FUNCTION_KEY.exec(s))) {
    if (s.startsWith('\u001B\u001B')) k.option = true;
    const code = [parts[1], parts[2], parts[4], parts[6]].filter(Boolean).join('');
    const modifier = Number(parts[3] || parts[5] || 1) - 1;
    k.name = KEY_NAME[code] ?? '';
    k.ctrl = CTRLED.has(code) || (modifier & 4) !== 0;
    k.meta = (modifier & 10) !== 0;
    k.shift = SHIFTED.has(code) || (modifier & 1) !== 0;
  }
  return k;
}

/** One key sequence (or a run of text) as the screen's controller takes it. */
export function keyOf(sequence: string): { input: string; key: KeyInfo } {
  const k = keypress(sequence);
  const key: KeyInfo = {
    ...NO_KEY,
    upArrow: k.name === 'up',
    downArrow: k.name === 'down',
    leftArrow: k.name === 'left',
    rightArrow: k.name === 'right',
    pageDown: k.name === 'pagedown',
    pageUp: k.name === 'pageup',
    home: k.name === 'home',
    end: k.name === 'end',
    return: k.name === 'return',
    escape: k.name === 'escape',
    ctrl: k.ctrl,
    shift: k.shift,
    tab: k.name === 'tab',
    backspace: k.name === 'backspace',
    delete: k.name === 'delete',
    meta: k.meta || k.name === 'escape' || k.option,
  };
  let input = k.ctrl ? k.name : sequence;
  if (NOT_TEXT.has(k.name)) input = '';
  if (input.startsWith(ESC)) input = input.slice(1);
  if (input.length === 1 && /[A-Z]/.test(input)) key.shift = true;
  return { input, key };
}

/** Where the control sequence that starts at `at` (after `prefix` ESCs) ends; 'pending' when the text ends first. */
function sequenceEnd(text: string, at: number, prefix: number): number | 'pending' | undefined {
  const kind = text[at + prefix];
  if (kind === undefined) return 'pending';
  if (kind === '[') {
    const start = at + prefix + 1;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if ((c >= 0x30 && c <= 0x3f) || (c >= 0x20 && c <= 0x2f) || (c === 0x5b && i === start)) continue;
      if (c >= 0x40 && c <= 0x7e) return i + 1;
      return undefined;
    }
    return 'pending';
  }
  if (kind === 'O') {
    const end = at + prefix + 2;
    if (end > text.length) return 'pending';
    const c = text.charCodeAt(end - 1);
    return c >= 0x40 && c <= 0x7e ? end : undefined;
  }
  return undefined;
}

/** Cuts typed text into key sequences and runs of text; `pending` is an unfinished escape sequence at its end. */
export function splitKeys(text: string): { keys: string[]; pending: string } {
  const keys: string[] = [];
  let i = 0;
  while (i < text.length) {
    const esc = text.indexOf(ESC, i);
    if (esc === -1) {
      keys.push(text.slice(i));
      break;
    }
    if (esc > i) keys.push(text.slice(i, esc));
    if (esc === text.length - 1) return { keys, pending: text.slice(esc) };
    let end = sequenceEnd(text, esc, 1);
    if (end === 'pending') return { keys, pending: text.slice(esc) };
    if (end === undefined && text[esc + 1] === ESC) {
      if (esc + 2 >= text.length) return { keys, pending: text.slice(esc) };
      end = sequenceEnd(text, esc, 2);
      if (end === 'pending') return { keys, pending: text.slice(esc) };
      end ??= esc + 2;
    }
    if (end === undefined) {
      // ESC and one character (a code point): Alt with that key.
      const next = text.codePointAt(esc + 1)!;
      end = esc + 1 + (next > 0xffff ? 2 : 1);
    }
    keys.push(text.slice(esc, end));
    i = end;
  }
  return { keys, pending: '' };
}

export interface KeySource {
  isTTY?: boolean;
  setRawMode?(raw: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  read(): string | Buffer | null;
  on(event: 'readable', listener: () => void): unknown;
  off(event: 'readable', listener: () => void): unknown;
  ref?(): unknown;
  unref?(): unknown;
}

/**
 * Reads keys from `stdin` in raw mode and hands each to `onKey`; returns how
 * to stop (raw mode off, the terminal no longer keeps the process alive). Read
 * in paused mode (a 'readable' listener), as cli/type-ahead.ts explains.
 */
export function readKeys(stdin: KeySource, onKey: (input: string, key: KeyInfo) => void): () => void {
  let pending = '';
  let flush: NodeJS.Immediate | undefined;
  const emit = (sequence: string) => {
    const { input, key } = keyOf(sequence);
    onKey(input, key);
  };
  const onReadable = () => {
    if (flush) clearImmediate(flush);
    flush = undefined;
    let chunk: string | Buffer | null;
    while ((chunk = stdin.read()) !== null) {
      const split = splitKeys(pending + String(chunk));
      pending = split.pending;
      for (const k of split.keys) emit(k);
    }
    // A lone Esc (or the start of a sequence that never came whole) once nothing more is waiting.
    if (pending.startsWith(ESC)) {
      flush = setImmediate(() => {
        flush = undefined;
        const rest = pending;
        pending = '';
        if (rest) emit(rest);
      });
    }
  };
  stdin.setEncoding('utf8');
  stdin.ref?.();
  stdin.setRawMode?.(true);
  stdin.on('readable', onReadable);
  return () => {
    if (flush) clearImmediate(flush);
    stdin.off('readable', onReadable);
    stdin.setRawMode?.(false);
    stdin.unref?.();
  };
}
