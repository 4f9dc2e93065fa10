// Keys to intents: a pure function of the screen's state and the key, so
// every binding can be tested without a terminal. Text fields get the
// printable keys; elsewhere letters are commands.
import type { Key } from 'ink';
import type { Intent } from './intents.js';
import type { Prompt, UiState } from './state.js';
import { frameOf } from './views/layout.js';
import { pickerLimit, pickerTop } from './views/troubleshoot.js';

export type KeyInfo = Pick<Key, 'upArrow' | 'downArrow' | 'leftArrow' | 'rightArrow' | 'pageUp' | 'pageDown' | 'home' | 'end' | 'return' | 'escape' | 'ctrl' | 'shift' | 'tab' | 'backspace' | 'delete' | 'meta'>;

export const NO_KEY: KeyInfo = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
};

/** Whether the screen is taking text (so letters are typed, not commands). */
export function isTyping(ui: UiState): boolean {
  const p = ui.prompt;
  if (!p || ui.help || ui.showPlan) return false;
  return p.kind === 'inputs' || p.kind === 'danger' || (p.kind === 'blocked' && p.mode === 'skip');
}

/** Whether the troubleshooting list takes the arrows, j/k, digits and Enter. */
export function isPicking(ui: UiState): boolean {
  return !ui.help && !ui.showPlan && ui.prompt?.kind === 'blocked' && ui.prompt.mode === 'troubleshoot';
}

function navigation(input: string, key: KeyInfo): Intent | null {
  if (key.upArrow || input === 'k') return { type: 'select', delta: -1 };
  if (key.downArrow || input === 'j') return { type: 'select', delta: 1 };
  if (key.home || input === 'g') return { type: 'select_edge', edge: 'first' };
  if (key.end || input === 'G') return { type: 'select_edge', edge: 'last' };
  if (key.pageUp || input === 'u') return { type: 'scroll', by: 'page_up' };
  if (key.pageDown || input === 'd' || input === ' ') return { type: 'scroll', by: 'page_down' };
  if (input === '[') return { type: 'scroll', by: -1 };
  if (input === ']') return { type: 'scroll', by: 1 };
  if (input === 'f') return { type: 'follow' };
  if (input === '?') return { type: 'help' };
  if (input === 'p') return { type: 'plan' };
  return null;
}

/**
 * A key in a text field. Like any text field: ← → Home End move the cursor,
 * Backspace and Delete erase either side of it, Ctrl-A/Ctrl-E go to either
 * end, Ctrl-U clears; every printable key — f, q, ? included — is text.
 */
function fieldKey(ui: UiState, input: string, key: KeyInfo): Intent | null {
  const p = ui.prompt!;
  if (key.return) return { type: 'submit' };
  if (key.escape) return { type: 'cancel' };
  // Ink reports the Backspace key as `delete` on most terminals (it sends DEL); a real
  // forward delete arrives as the escape sequence ESC [ 3 ~, which Ink also calls delete.
  if (key.backspace || (key.delete && input !== '\u001B[3~')) return { type: 'erase' };
  if (key.delete) return { type: 'erase_forward' };
  if (key.ctrl && input === 'u') return { type: 'clear_field' };
  if (key.ctrl && input === 'a') return { type: 'cursor', to: 'home' };
  if (key.ctrl && input === 'e') return { type: 'cursor', to: 'end' };
  if (key.leftArrow) return { type: 'cursor', to: 'left' };
  if (key.rightArrow) return { type: 'cursor', to: 'right' };
  if (key.home) return { type: 'cursor', to: 'home' };
  if (key.end) return { type: 'cursor', to: 'end' };
  if (p.kind === 'inputs') {
    if (key.tab || key.downArrow) return { type: 'field', delta: key.shift ? -1 : 1 };
    if (key.upArrow) return { type: 'field', delta: -1 };
  }
  if (key.pageUp) return { type: 'scroll', by: 'page_up' };
  if (key.pageDown) return { type: 'scroll', by: 'page_down' };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return null;
  if (input.length > 0) return { type: 'type', text: input };
  return null;
}

/** The troubleshooting list: ↑ ↓ (or k j) move round it, Enter or the digit of a shown entry chooses. */
function pickerKey(ui: UiState, input: string, key: KeyInfo): Intent | null {
  const p = ui.prompt as Extract<Prompt, { kind: 'blocked' }>;
  const n = p.entries.length;
  if (key.upArrow || input === 'k') return { type: 'highlight_fix', index: (p.highlighted - 1 + n) % n };
  if (key.downArrow || input === 'j') return { type: 'highlight_fix', index: (p.highlighted + 1) % n };
  if (key.return) return { type: 'choose_fix', entryId: p.entries[p.highlighted].id };
  if (/^[1-9]$/.test(input)) {
    const limit = pickerLimit(n, frameOf(ui).bodyHeight);
    const k = Number(input) - 1;
    if (k < limit) return { type: 'choose_fix', entryId: p.entries[pickerTop(n, p.highlighted, limit) + k].id };
  }
  return null;
}

export function keyToIntent(ui: UiState, input: string, key: KeyInfo): Intent | null {
  if (key.ctrl && input === 'c') return { type: 'ctrl_c' };
  if (ui.help) {
    if (key.escape || input === '?' || input === 'q' || key.return) return { type: 'help', open: false };
    return navigation(input, key);
  }
  if (ui.showPlan) {
    if (key.escape || input === 'p' || input === 'q' || key.return) return { type: 'plan', open: false };
    return navigation(input, key);
  }
  if (isTyping(ui)) return fieldKey(ui, input, key);
  if (isPicking(ui)) {
    if (key.escape) return { type: 'cancel' };
    if (input === '?') return { type: 'help' };
    if (input === 'q') return { type: 'quit' };
    return pickerKey(ui, input, key);
  }
  const p = ui.prompt;
  if (p && (p.kind === 'confirm' || p.kind === 'fix' || (p.kind === 'blocked' && p.mode === 'rollback'))) {
    if (input === 'y' || input === 'Y') return { type: 'yes' };
    if (input === 'n' || input === 'N') return { type: 'no' };
    if (key.escape) return { type: 'cancel' };
    if (key.return) return null; // a confirmation takes y, never a stray Enter
  }
  if (p?.kind === 'next' && input === 'a') return { type: 'run_all' };
  if (p?.kind === 'blocked' && p.mode === 'menu') {
    if (input === 'r') return { type: 'retry' };
    if (input === 't') return { type: 'troubleshoot' };
    if (input === 'b') return { type: 'rollback' };
    if (input === 's') return { type: 'skip' };
  }
  if (input === 'q') return { type: 'quit' };
  if (key.escape) return { type: 'cancel' };
  if (key.return) return { type: 'submit' };
  return navigation(input, key);
}
