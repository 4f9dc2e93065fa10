// The run screen inside an Ink tree (the fleet view shows a watched run in
// place of its table): state from the controller (a frame at a time), keys to
// the controller, and the terminal's size. The run screen and a watch on
// their own terminal are painted instead (painted.ts), from the same rows.
import React, { useMemo, useSyncExternalStore } from 'react';
import { useInput } from 'ink';
import type { TuiController } from '../controller.js';
import { makeTheme } from '../theme.js';
import { ThemeContext } from './Lines.js';
import { Screen } from './Screen.js';
import { useResize } from './useResize.js';

export interface AppProps {
  controller: TuiController;
  color?: boolean;
  /** Follow the real terminal's size (off in tests, which set the size in the state). */
  trackSize?: boolean;
}

function useTerminalSize(controller: TuiController, enabled: boolean): void {
  useResize((terminal) => controller.dispatch({ type: 'resize', ...terminal }, true), enabled, true);
}

export function App({ controller, color = true, trackSize = false }: AppProps) {
  const ui = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  useInput(controller.key);
  useTerminalSize(controller, trackSize);
  const theme = useMemo(() => makeTheme(color), [color]);
  return (
    <ThemeContext.Provider value={theme}>
      <Screen ui={ui} />
    </ThemeContext.Provider>
  );
}
