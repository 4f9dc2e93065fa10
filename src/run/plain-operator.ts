// The operator in plain mode: answers come from command-line flags, decided
// before the run starts. Nothing is assumed that the flags did not say.
import type { Operator } from './operator.js';
import type { FlagConsent } from '../engine/state.js';
import { autoWords } from '../present/decision.js';
import { troubleshootingLines, type Write } from '../report/plain.js';
import { SANDBOX_DATABASE } from './sandbox.js';

export interface PlainAnswers {
  /** --yes: plain confirmations are answered yes. */
  yes: boolean;
  /** --confirm-danger NAME: the database name, typed in advance for destructive steps. */
  confirmDanger?: string;
  /**
   * The database this run created itself (--sandbox, --sandbox-on): `--confirm-danger runbook_sandbox`
   * names it, since its real name (runbook_sandbox_<random>) cannot be known before the run.
   * It never matches any other database: the run's target is the one it created.
   */
  sandboxDatabase?: string;
  /** Who ran the program: a yes a flag gives is recorded as "auto-confirmed (--yes) by <operator>". */
  operatorName: string;
  /**
   * The ids of the items whose confirmation says work was done by hand (a rollback's step without a
   * rollback section: "I have undone it by hand"). `--yes` does not answer those: nobody undid anything
   * because a flag was given. Only `--undone-by-hand` (`undoneByHand`) does, and it is recorded as such.
   */
  byHand?: ReadonlySet<string>;
  undoneByHand?: boolean;
}

export function plainOperator(answers: PlainAnswers, write: Write): Operator {
  const said = (auto: FlagConsent, text: string): FlagConsent => {
    write(`  ${autoWords(auto)}: ${text}`);
    return auto;
  };
  return {
    async askInputs(_specs, _current, missing, problems) {
      for (const p of problems) write(`input problem: ${p}`);
      for (const name of missing) write(`missing input: ${name} — pass --input ${name}=VALUE`);
      return null;
    },
    async confirm(item, text) {
      if (answers.byHand?.has(item.id)) {
        if (answers.undoneByHand) return said({ flag: '--undone-by-hand', by: answers.operatorName }, text);
        write(`  needs a person: ${text} — --yes does not say that work was done by hand; do it, then rerun with --undone-by-hand, or run in a terminal`);
        return false;
      }
      if (answers.yes) return said({ flag: '--yes', by: answers.operatorName }, text);
      write(`  needs confirmation: ${text} — rerun with --yes to confirm, or run in a terminal`);
      return false;
    },
    async confirmDanger(item, reasons, database) {
      write(`  destructive: ${reasons.join('; ')}`);
      const sandbox = answers.sandboxDatabase === database;
      if (answers.confirmDanger === database || (sandbox && answers.confirmDanger === SANDBOX_DATABASE)) {
        const created = sandbox ? ` (${database}: the sandbox database this run created)` : '';
        const auto = { flag: `--confirm-danger ${answers.confirmDanger}`, by: answers.operatorName };
        write(`  ${autoWords(auto)} for ${item.title}${created}`);
        return auto;
      }
      const given = answers.confirmDanger === undefined ? 'no --confirm-danger was given' : `--confirm-danger ${answers.confirmDanger} does not name the target database`;
      const name = sandbox ? `${SANDBOX_DATABASE} to allow it (it names the sandbox database the run creates, here ${database})` : `${database} to allow it`;
      write(`  refused: ${given}; rerun with --confirm-danger ${name}`);
      return false;
    },
    async blocked(_item, _verdicts, help) {
      for (const line of troubleshootingLines(help)) write(line);
      return { type: 'quit' };
    },
    async confirmFix() {
      return false;
    },
  };
}
