// The person at the keyboard, as the session sees them. The TUI answers these
// questions from keys; plain mode answers them from command-line flags.
import type { Verdict } from '../checks/verdict.js';
import type { FlagConsent, InputValue, ItemState } from '../engine/state.js';
import type { Troubleshooting } from '../checks/troubleshoot.js';
import type { Input, TroubleshootingEntry } from '../runbook/schema.js';

export type BlockedChoice =
  | { type: 'retry' }
  | { type: 'fix'; entryId: string }
  | { type: 'skip'; reason: string }
  | { type: 'rollback' }
  | { type: 'quit' };

/** An answer to a yes/no question: true, a person said yes; a FlagConsent, a flag given in advance said it (and the record says so). */
export type Consent = boolean | FlagConsent;

/** Whether the answer was yes, and the flag that gave it if no person did. */
export function consentOf(answer: Consent): { ok: boolean; auto?: FlagConsent } {
  return typeof answer === 'object' ? { ok: true, auto: answer } : { ok: answer };
}

export interface Operator {
  /** Ask for inputs that have no value yet; `problems` says what was wrong last time. */
  askInputs(specs: Record<string, Input>, current: Record<string, InputValue>, missing: string[], problems: string[]): Promise<Record<string, string> | null>;
  /** A manual confirmation (a prerequisite, a confirm step, a checklist item). */
  confirm(item: ItemState, text: string): Promise<Consent>;
  /** A destructive step: the operator must type the database name. */
  confirmDanger(item: ItemState, reasons: string[], database: string): Promise<Consent>;
  /** A check failed: what now? `help` holds the entries that match the failure, then the step's other known problems. */
  blocked(item: ItemState, verdicts: Verdict[], help: Troubleshooting): Promise<BlockedChoice>;
  /** Run this troubleshooting fix? */
  confirmFix(entry: TroubleshootingEntry): Promise<boolean>;
  /**
   * Stepping through (`--step`): called before each step with what it will run;
   * 'run' runs it, 'all' runs it and stops asking, 'quit' stops the run here.
   * Operators that do not step through leave it out.
   */
  beforeStep?(item: ItemState): Promise<'run' | 'all' | 'quit'>;
}
