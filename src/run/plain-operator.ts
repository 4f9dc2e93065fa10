// The operator in plain mode: answers come from command-line flags, decided
// before the run starts. Nothing is assumed that the flags did not say.
import type { Operator } from './operator.js';
import { troubleshootingLines, type Write } from '../report/plain.js';

export interface PlainAnswers {
  /** --yes: plain confirmations are answered yes. */
  yes: boolean;
  /** --confirm-danger NAME: the database name, typed in advance for destructive steps. */
  confirmDanger?: string;
}

export function plainOperator(answers: PlainAnswers, write: Write): Operator {
  return {
    async askInputs(_specs, _current, missing, problems) {
      for (const p of problems) write(`input problem: ${p}`);
      for (const name of missing) write(`missing input: ${name} — pass --input ${name}=VALUE`);
      return null;
    },
    async confirm(_item, text) {
      if (answers.yes) {
        write(`  (--yes) ${text}`);
        return true;
      }
      write(`  needs confirmation: ${text} — rerun with --yes to confirm, or run in a terminal`);
      return false;
    },
    async confirmDanger(item, reasons, database) {
      write(`  destructive: ${reasons.join('; ')}`);
      if (answers.confirmDanger === database) {
        write(`  (--confirm-danger ${database}) confirmed for ${item.title}`);
        return true;
      }
      const given = answers.confirmDanger === undefined ? 'no --confirm-danger was given' : `--confirm-danger ${answers.confirmDanger} does not name the target database`;
      write(`  refused: ${given}; rerun with --confirm-danger ${database} to allow it`);
      return false;
    },
    async blocked(_item, _verdicts, entries) {
      for (const line of troubleshootingLines(entries)) write(line);
      return { type: 'quit' };
    },
    async confirmFix() {
      return false;
    },
  };
}
