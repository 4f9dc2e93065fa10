// `runbook show` in a terminal: the read-only view on the alternate screen,
// until the operator leaves it; the terminal is left as it was found.
import React from 'react';
import type { Runbook } from '../../runbook/load.js';
import { onAltScreen, type ScreenIo } from '../alt-screen.js';
import { colorWanted } from '../theme.js';
import { ShowScreen } from './ShowScreen.js';

export interface ShowOptions extends ScreenIo {
  selectKey?: string;
}

export function runShow(runbook: Runbook, o: ShowOptions = {}): Promise<void> {
  return onAltScreen<void>(o, (finish) => <ShowScreen runbook={runbook} selectKey={o.selectKey} color={colorWanted()} onQuit={() => finish()} />);
}

export { ShowScreen } from './ShowScreen.js';
