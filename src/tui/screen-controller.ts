// The run screen's controller for a terminal: the first state sized to it, and
// the detail pane measured by the views. The operator's run screen and the
// watcher's observer screen both start here.
import { TuiController } from './controller.js';
import { initialState, type InitialOptions } from './state.js';
import { detailGeometry } from './views/geometry.js';

export function screenController(stdout: Pick<NodeJS.WriteStream, 'columns' | 'rows'>, o: Omit<InitialOptions, 'now' | 'size'>): TuiController {
  return new TuiController(initialState({ ...o, now: Date.now(), size: { columns: stdout.columns || 80, rows: stdout.rows || 24 } }), { measure: detailGeometry });
}
