// The operator as the screen sees them: each question the session asks
// becomes a prompt in the screen's state, answered by the keys the person
// presses. Nothing is assumed: an unanswered question simply waits.
import type { Operator } from '../run/operator.js';
import type { TuiController } from './controller.js';
import { makeFields } from './store.js';

export function screenOperator(ctl: TuiController, options: { step?: boolean } = {}): Operator {
  return {
    // Only when stepping through: otherwise steps run one after another until a check fails.
    ...(options.step ? { beforeStep: (item: { key: string }) => ctl.ask({ kind: 'next', key: item.key }) } : {}),
    askInputs(specs, current, _missing, problems) {
      return ctl.ask({ kind: 'inputs', fields: makeFields(specs, current), focus: 0, problems });
    },
    confirm(item, text) {
      return ctl.ask({ kind: 'confirm', key: item.key, text });
    },
    confirmDanger(item, reasons, database) {
      return ctl.ask({ kind: 'danger', key: item.key, reasons, database, typed: '', mismatch: false });
    },
    blocked(item, verdicts, entries) {
      return ctl.ask({ kind: 'blocked', key: item.key, verdicts, entries, mode: 'menu', reason: '', highlighted: 0 });
    },
    async confirmFix(entry) {
      if (entry.fix?.confirm === false) return true;
      const blockedKey = ctl.getState().run.items.find((i) => i.status === 'failed' || i.status === 'interrupted')?.key ?? null;
      return ctl.ask({ kind: 'fix', key: blockedKey, entry });
    },
  };
}
