// Where everything goes on the screen, from the terminal size alone:
// header, the step list on the left, the main pane, the question panel and
// the footer. Every view is given exactly the lines and columns it may use.
import type { UiState } from '../state.js';
import type { Line } from '../line.js';
import { promptLines } from './prompt.js';

export const HEADER_LINES = 2;
export const FOOTER_LINES = 1;

export interface Frame {
  width: number;
  height: number;
  /** 0 when the terminal is too narrow for a list beside the main pane. */
  listWidth: number;
  mainWidth: number;
  bodyHeight: number;
  panel: Line[];
}

/** The screen uses every row but the last, so the terminal never scrolls. */
export function screenHeight(ui: UiState): number {
  return Math.max(8, ui.size.rows - 1);
}

export function listWidthFor(width: number): number {
  if (width < 60) return 0;
  if (width < 100) return Math.max(22, Math.floor(width * 0.3));
  return Math.min(40, Math.floor(width * 0.28));
}

export function frameOf(ui: UiState): Frame {
  const width = Math.max(20, ui.size.columns);
  const height = screenHeight(ui);
  const listWidth = listWidthFor(width);
  const mainWidth = listWidth > 0 ? width - listWidth - 1 : width;
  // The question panel takes what it needs, up to half the screen, leaving the body at least two lines.
  const room = height - HEADER_LINES - FOOTER_LINES - 1;
  const panel = promptLines(ui, width).slice(0, Math.max(2, Math.min(Math.floor(height / 2), room - 2)));
  const bodyHeight = Math.max(1, room - panel.length);
  return { width, height, listWidth, mainWidth, bodyHeight, panel };
}
