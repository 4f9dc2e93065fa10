// The run screen (and a watch) on the terminal's alternate buffer: drawn by
// the painter from the screen's rows each time the controller publishes a
// frame, keys read by keyboard.ts, the size followed on resize. No React, no
// Ink: loading and mounting them was ~110 ms of CPU at every start, for a
// screen whose state, views and keys were already plain functions. The
// terminal is left as it was found when the screen is done, and also when the
// process exits early.
import type { TuiController } from './controller.js';
import { readKeys, type KeySource } from './keyboard.js';
import { Painter, type PaintTarget } from './paint.js';
import { ENTER_ALT, LEAVE_ALT, SHOW_CURSOR } from './terminal-codes.js';
import { makeTheme } from './theme.js';
import { screenLines } from './views/screen.js';

export interface PaintedIo {
  stdin: KeySource;
  stdout: PaintTarget & {
    columns?: number;
    rows?: number;
    on(event: 'resize', listener: () => void): unknown;
    off(event: 'resize', listener: () => void): unknown;
  };
  color: boolean;
}

export interface PaintedScreen {
  /** Stops drawing and reading keys, and gives the terminal back; safe to call more than once. */
  restore(): void;
}

export function showPainted(controller: TuiController, io: PaintedIo): PaintedScreen {
  const { stdin, stdout } = io;
  const painter = new Painter(stdout, makeTheme(io.color));
  const draw = () => painter.paint(screenLines(controller.getSnapshot()));
  const onResize = () => {
    painter.invalidate();
    controller.dispatch({ type: 'resize', columns: stdout.columns || 80, rows: stdout.rows || 24 }, true);
  };
  stdout.write(ENTER_ALT);
  const unsubscribe = controller.subscribe(draw);
  stdout.on('resize', onResize);
  const stopKeys = readKeys(stdin, controller.key);
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    unsubscribe();
    stdout.off('resize', onResize);
    stopKeys();
    stdout.write(LEAVE_ALT + SHOW_CURSOR);
  };
  process.on('exit', restore);
  draw();
  return { restore };
}
