// JSON-lines renderer: one event per line, for CI systems and scripts.
// Targets are already redacted; secret inputs are replaced here.
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import type { Runbook } from '../runbook/load.js';
import { redactInputs } from '../run/inputs.js';

/** Every line carries the run's id (`run`), so a script reading several runs' streams can tell them apart and resume the right one. */
export function jsonRenderer(rb: Runbook, write: (line: string) => void, runId: string): (state: RunState, event: RunEvent) => void {
  write(JSON.stringify({ type: 'run_started', run: runId, runbook: rb.id, title: rb.title, risk: rb.risk, file: rb.file }));
  return (_state, event) => {
    const safe = event.type === 'inputs_set' ? { ...event, inputs: redactInputs(rb.inputs, event.inputs) } : event;
    for (const line of streamLines(safe)) write(JSON.stringify({ ...line, run: runId }));
  };
}

/** An event as the stream's lines: a burst of output is one line per thing reported (`event`), as a script reading it expects. */
export function streamLines(event: RunEvent): object[] {
  if (event.type !== 'item_output') return [event];
  return event.events.map((e) => ({ type: 'item_output', key: event.key, event: e, at: event.at }));
}
