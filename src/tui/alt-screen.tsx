// A screen drawn on the terminal's alternate buffer until it finishes: the
// terminal is left as it was found, also when the process exits early.
import type React from 'react';
import { render, type Instance } from 'ink';

export const ENTER_ALT = '\u001B[?1049h\u001B[H\u001B[2J';
export const LEAVE_ALT = '\u001B[?1049l';
export const SHOW_CURSOR = '\u001B[?25h';

export interface ScreenIo {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

/** Renders what `draw` returns; resolves with the value it hands to `finish`. */
export async function onAltScreen<T>(io: ScreenIo, draw: (finish: (value: T) => void) => React.ReactElement): Promise<T> {
  const stdout = io.stdout ?? process.stdout;
  const stdin = io.stdin ?? process.stdin;
  let instance: Instance | undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    instance?.unmount();
    instance?.cleanup();
    stdout.write(LEAVE_ALT + SHOW_CURSOR);
  };
  process.on('exit', restore);
  try {
    stdout.write(ENTER_ALT);
    return await new Promise<T>((resolve) => {
      instance = render(draw(resolve), { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 30 });
    });
  } finally {
    restore();
    process.off('exit', restore);
  }
}
