// The operator as the screen sees them: each question the session asks
// becomes a prompt in the screen's state, answered by the keys the person
// presses. Nothing is assumed: an unanswered question simply waits.
//
// The pace (state.pace): guided stops before every step with the step on
// view until Enter; after `a` the run goes on by itself until a step that
// needs a decision (destructive, or taking a lock stronger than ROW
// EXCLUSIVE or rewriting, as the lock model judges it) or a failure, where it is
// guided again; --auto never stops before a step.
import type { Runbook } from '../runbook/load.js';
import type { Step } from '../runbook/schema.js';
import type { Operator } from '../run/operator.js';
import { decisionReasons } from '../run/pace.js';
import { stepLockViews } from '../run/findings.js';
import { DEFAULT_SERVER_VERSION_NUM } from '../sql/findings.js';
import type { TuiController } from './controller.js';
import { makeFields } from './fields.js';
import type { DangerStatement } from './state.js';
import { sqlSource } from '../run/executor.js';
import { splitSql } from '../sql/index.js';

export interface ScreenOperatorOptions {
  runbook?: Runbook;
  steps?: readonly Step[];
}

export function screenOperator(ctl: TuiController, options: ScreenOperatorOptions = {}): Operator {
  /** The lock model's view of the steps in order (what each step finds made before it), for the pinned server's version. */
  let views: { version: number; contexts: ReturnType<typeof stepLockViews>['contextBefore'] } | undefined;
  const why = (id: string): string[] => {
    const step = options.steps?.find((s) => s.id === id);
    if (!step || !options.runbook) return [];
    try {
      const version = ctl.getState().run.target?.serverVersionNum ?? DEFAULT_SERVER_VERSION_NUM;
      if (views?.version !== version) views = { version, contexts: stepLockViews(options.runbook, options.steps ?? [], version).contextBefore };
      return decisionReasons(options.runbook, step, { serverVersionNum: version, context: views.contexts.get(step.id) });
    } catch {
      return []; // SQL the parser refuses fails when it runs, with its own message
    }
  };
  /** The statements that make a step destructive, with where they are: the confirmation names them. */
  const dangerous = (id: string): DangerStatement[] => {
    const step = options.steps?.find((s) => s.id === id);
    if (!step || !options.runbook) return [];
    try {
      const sql = sqlSource(options.runbook, step);
      const all = sql ? splitSql(sql.source) : [];
      return all.flatMap((st, index) => (st.destructive ? [{ index, line: st.line, text: st.text, reason: st.destructive }] : []));
    } catch {
      return [];
    }
  };
  return {
    async beforeStep(item) {
      const pace = ctl.getState().pace;
      if (pace === 'auto') return 'run';
      const reasons = why(item.id);
      if (pace === 'to_decision' && reasons.length === 0) return 'run';
      return ctl.ask({ kind: 'next', key: item.key, why: reasons });
    },
    askInputs(specs, current, _missing, problems) {
      return ctl.ask({ kind: 'inputs', fields: makeFields(specs, current), focus: 0, problems });
    },
    confirm(item, text) {
      return ctl.ask({ kind: 'confirm', key: item.key, text });
    },
    confirmDanger(item, reasons, database) {
      return ctl.ask({ kind: 'danger', key: item.key, reasons, database, typed: '', mismatch: false, statements: dangerous(item.id) });
    },
    blocked(item, verdicts, { entries, matched }) {
      // A failure is a decision: after it, the run is guided again.
      if (ctl.getState().pace === 'to_decision') ctl.dispatch({ type: 'pace', pace: 'guided' });
      return ctl.ask({ kind: 'blocked', key: item.key, verdicts, entries, matched, mode: 'menu', reason: '', highlighted: 0 });
    },
    async confirmFix(entry) {
      if (entry.fix?.confirm === false) return true;
      const blockedKey = ctl.getState().run.items.find((i) => i.status === 'failed' || i.status === 'interrupted')?.key ?? null;
      return ctl.ask({ kind: 'fix', key: blockedKey, entry });
    },
  };
}
