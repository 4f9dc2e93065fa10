// `runbook` with no arguments, in a terminal: the picker on the alternate
// screen until the operator chooses or leaves; the terminal is left as found.
import React from 'react';
import type { DiscoveredRunbook } from '../../runbook/discover.js';
import { onAltScreen, type ScreenIo } from '../alt-screen.js';
import { colorWanted } from '../theme.js';
import type { PickerChoice, PickerLiveRun, PickerState } from './model.js';
import { Picker } from './Picker.js';

export interface PickerRun {
  choice: PickerChoice | null;
  /** To come back to the picker as it was (after the read-only view). */
  resume: { filter: string; selected: string | null };
}

export function runPicker(runbooks: DiscoveredRunbook[], o: { initial?: { filter?: string; selected?: string | null }; live?: PickerLiveRun[] } & ScreenIo = {}): Promise<PickerRun> {
  return onAltScreen<PickerRun>(o, (finish) => {
    const onDone = (choice: PickerChoice | null, state: PickerState) => finish({ choice, resume: { filter: state.filter, selected: state.selected } });
    return <Picker runbooks={runbooks} live={o.live} initial={o.initial} color={colorWanted()} onDone={onDone} />;
  });
}

export { Picker } from './Picker.js';
