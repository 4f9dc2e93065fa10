// The run screen in an Ink tree (the fleet view shows a watched run inside
// its own): the rows views/screen.ts computes, one Ink line each. The run
// screen itself is drawn by the painter (paint.ts) from the same rows.
import React from 'react';
import type { UiState } from '../state.js';
import { screenLines } from '../views/screen.js';
import { frameOf } from '../views/layout.js';
import { LinesView } from './Lines.js';

export function Screen({ ui }: { ui: UiState }) {
  return <LinesView lines={screenLines(ui)} width={frameOf(ui).width} />;
}
