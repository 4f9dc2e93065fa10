// `runbook fleet run|status` in a terminal: the fleet view on the alternate
// screen until the operator leaves it (the fleet goes on without it).
import React from 'react';
import type { FleetRow, TargetRow } from '../../fleet/control.js';
import { onAltScreen, type ScreenIo } from '../alt-screen.js';
import { colorWanted } from '../theme.js';
import { FleetScreen, type FleetSource } from './FleetScreen.js';

export function runFleetView(fleet: FleetRow, targets: TargetRow[], source: FleetSource, io: ScreenIo = {}): Promise<void> {
  return onAltScreen<void>(io, (finish) => <FleetScreen fleet={fleet} targets={targets} source={source} color={colorWanted()} onQuit={() => finish()} />);
}

export { FleetScreen, type FleetSource } from './FleetScreen.js';
