// A screen drawn on the terminal's alternate buffer: the terminal is left as
// it was found when the screen is done, and also when the process exits early.
import type React from 'react';
import { render, type Instance } from 'ink';

const ENTER_ALT = '\u001B[?1049h\u001B[H\u001B[2J';
const LEAVE_ALT = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

export interface ScreenIo {
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
}

export interface AltScreen {
  /** Switches to the alternate buffer and draws the element there. */
  show(element: React.ReactElement, maxFps: number): void;
  /** Unmounts the drawing and gives the terminal back; safe to call more than once. */
  restore(): void;
}

/** The terminal's alternate screen, restored at the latest when the process exits. */
export function altScreen(io: ScreenIo): AltScreen {
  const stdout = io.stdout ?? process.stdout;
  const stdin = io.stdin ?? process.stdin;
  let instance: Instance | undefined;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    instance?.unmount();
    instance?.cleanup();
    stdout.write(LEAVE_ALT + SHOW_CURSOR);
  };
  process.on('exit', restore);
  return {
    show(element, maxFps) {
      stdout.write(ENTER_ALT);
      instance = render(element, { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps });
    },
    restore,
  };
}

/** Renders what `draw` returns; resolves with the value it hands to `finish`. */
export async function onAltScreen<T>(io: ScreenIo, draw: (finish: (value: T) => void) => React.ReactElement): Promise<T> {
  const screen = altScreen(io);
  try {
    return await new Promise<T>((resolve) => screen.show(draw(resolve), 30));
  } finally {
    screen.restore();
  }
}
