// `runbook` with no arguments, in a terminal: the picker on the alternate
// screen until the operator chooses or leaves; the terminal is left as found.
import React from 'react';
import { render, type Instance } from 'ink';
import type { DiscoveredRunbook } from '../../runbook/discover.js';
import { colorWanted } from '../theme.js';
import type { PickerChoice, PickerState } from './model.js';
import { Picker } from './Picker.js';

const ENTER_ALT = '\u001B[?1049h\u001B[H\u001B[2J';
const LEAVE_ALT = '\u001B[?1049l\u001B[?25h';

export interface PickerRun {
  choice: PickerChoice | null;
  /** To come back to the picker as it was (after the read-only view). */
  resume: { filter: string; selected: string | null };
}

export async function runPicker(runbooks: DiscoveredRunbook[], o: { initial?: { filter?: string; selected?: string | null }; stdin?: NodeJS.ReadStream; stdout?: NodeJS.WriteStream } = {}): Promise<PickerRun> {
  const stdout = o.stdout ?? process.stdout;
  const stdin = o.stdin ?? process.stdin;
  let instance: Instance | undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    instance?.unmount();
    instance?.cleanup();
    stdout.write(LEAVE_ALT);
  };
  process.on('exit', restore);
  try {
    stdout.write(ENTER_ALT);
    return await new Promise<PickerRun>((resolve) => {
      const onDone = (choice: PickerChoice | null, state: PickerState) => resolve({ choice, resume: { filter: state.filter, selected: state.selected } });
      instance = render(<Picker runbooks={runbooks} initial={o.initial} color={colorWanted()} onDone={onDone} />, { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 30 });
    });
  } finally {
    restore();
    process.off('exit', restore);
  }
}

export { Picker } from './Picker.js';
