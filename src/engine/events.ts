// Everything that can happen to a run. Executors report the first kind,
// operators cause the second; the reducer turns each into a new state, and
// the journal appends each one as it happens.
import type { Verdict } from '../checks/verdict.js';
import type { ExecError, ExecEvent } from '../exec/types.js';
import type { FlagConsent, InputValue, StepFinding, TargetInfo } from './state.js';

export type RunEvent =
  | { type: 'inputs_set'; inputs: Record<string, InputValue>; at: number }
  | { type: 'target_pinned'; target: TargetInfo; at: number }
  /** `findings`: what the lock model found in the step's SQL for the pinned server, accepted ones with their reason (absent in journals before it existed). */
  | { type: 'item_started'; key: string; at: number; findings?: StepFinding[] }
  /** What an item's action reported in one burst (one socket read, one chunk a command printed), oldest first; never empty. */
  | { type: 'item_output'; key: string; events: ExecEvent[]; at: number }
  | { type: 'item_finished'; key: string; verdicts: Verdict[]; error?: ExecError; durationMs: number; at: number }
  /** `unknown`: whether the item's work committed is not known (reconcile): the run stops for the operator's decision. */
  | { type: 'item_interrupted'; key: string; reason: string; at: number; unknown?: boolean }
  /** `auto`: answered by a flag given in advance (absent: a person answered). */
  | { type: 'item_confirmed'; key: string; text: string; at: number; auto?: FlagConsent }
  | { type: 'danger_confirmed'; key: string; database: string; at: number; auto?: FlagConsent }
  | { type: 'item_skipped'; key: string; reason: string; at: number }
  | { type: 'item_retry'; key: string; at: number }
  | { type: 'item_rolled_back'; key: string; at: number }
  /** The step waits for a second person's approval (`reason`: what requires it) before it runs. */
  | { type: 'approval_requested'; key: string; reason: string; at: number }
  /** Another identity approved the step: `by` (their operator name), `role` (the database role they connected as). */
  | { type: 'approval_given'; key: string; by: string; role: string; at: number }
  | { type: 'fix_finished'; key: string; entryId: string; ok: boolean; at: number }
  /** `cause`: why a failed run failed, where an exit code depends on it (connection lost, target changed). */
  | { type: 'run_ended'; outcome: 'succeeded' | 'failed' | 'aborted'; reason?: string; at: number; cause?: 'connection' | 'target' };
