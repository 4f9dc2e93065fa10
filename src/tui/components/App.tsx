// The screen wired to its store: state from the controller (a frame at a
// time), keys to the controller, and the terminal's size. With a painter
// (the run screen, a watch), Ink only reads the keys: each frame the
// controller publishes is drawn by the painter from the screen's rows, at
// once and outside React. Without one (inside the fleet view's Ink tree),
// Ink draws the same rows.
import React, { useEffect, useMemo, useSyncExternalStore } from 'react';
import { useInput } from 'ink';
import type { TuiController } from '../controller.js';
import type { Painter } from '../paint.js';
import { makeTheme } from '../theme.js';
import { screenLines } from '../views/screen.js';
import { ThemeContext } from './Lines.js';
import { Screen } from './Screen.js';
import { useResize } from './useResize.js';

export interface AppProps {
  controller: TuiController;
  color?: boolean;
  /** Follow the real terminal's size (off in tests, which set the size in the state). */
  trackSize?: boolean;
  /** Draws the frames itself (paint.ts); Ink then draws nothing. */
  painter?: Painter;
}

function useTerminalSize(controller: TuiController, enabled: boolean, painter: Painter | undefined): void {
  useResize(
    (terminal) => {
      painter?.invalidate();
      controller.dispatch({ type: 'resize', ...terminal }, true);
    },
    enabled,
    true,
  );
}

export function App({ controller, color = true, trackSize = false, painter }: AppProps) {
  useInput(controller.key);
  useTerminalSize(controller, trackSize, painter);
  return painter ? <Painted controller={controller} painter={painter} /> : <Drawn controller={controller} color={color} />;
}

function Painted({ controller, painter }: { controller: TuiController; painter: Painter }) {
  useEffect(() => {
    const draw = () => painter.paint(screenLines(controller.getSnapshot()));
    draw();
    return controller.subscribe(draw);
  }, [controller, painter]);
  return null;
}

function Drawn({ controller, color }: { controller: TuiController; color: boolean }) {
  const ui = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  const theme = useMemo(() => makeTheme(color), [color]);
  return (
    <ThemeContext.Provider value={theme}>
      <Screen ui={ui} />
    </ThemeContext.Provider>
  );
}
