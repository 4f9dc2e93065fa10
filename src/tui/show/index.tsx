// `runbook show` in a terminal: the read-only view on the alternate screen,
// until the operator leaves it; the terminal is left as it was found.
import React from 'react';
import { render, type Instance } from 'ink';
import type { Runbook } from '../../runbook/load.js';
import { colorWanted } from '../theme.js';
import { ShowScreen } from './ShowScreen.js';

export const ENTER_ALT = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALT = '\u001B[?1049l\u001B[?25h';

export interface ShowOptions {
  selectKey?: string;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

export async function runShow(runbook: Runbook, o: ShowOptions = {}): Promise<void> {
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
    await new Promise<void>((resolve) => {
      instance = render(<ShowScreen runbook={runbook} selectKey={o.selectKey} color={colorWanted()} onQuit={resolve} />, { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 30 });
    });
  } finally {
    restore();
    process.off('exit', restore);
  }
}

export { ShowScreen } from './ShowScreen.js';
