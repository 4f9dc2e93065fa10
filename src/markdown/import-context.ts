// Shared pieces of the Markdown importer: the draft types (the runbook as the
// YAML will say it, before zod fills in defaults) and the list of what could
// not be mapped, which the author finishes by hand.
import type { z } from 'zod';
import type { check, procedure, runbook, step, troubleshootingEntry } from '../runbook/schema.js';
import type { CodeReading, FoundAction } from './commands.js';
import { checkSql } from './sql-check.js';

export type RunbookDraft = z.input<typeof runbook>;
export type StepDraft = z.input<typeof step>;
export type CheckDraft = z.input<typeof check>;
export type ProcedureDraft = z.input<typeof procedure>;
export type TroubleshootingDraft = z.input<typeof troubleshootingEntry>;

export class Unmapped {
  readonly items: string[] = [];

  /** `where` is the heading path, so the author can find the spot in the document. */
  add(where: string, what: string): void {
    this.items.push(where ? `${where}: ${what}` : what);
  }

  addAll(where: string, reading: CodeReading | undefined): void {
    for (const problem of reading?.problems ?? []) this.add(where, problem);
  }
}

/**
 * Checks from the code of a "Verify"/"Validation" block: one check per SQL
 * statement (an expectation applies to one result), titled by the comment
 * above it, else by the label, numbered when several share it.
 */
export function checksFrom(found: FoundAction[], title: string): CheckDraft[] {
  const checks: CheckDraft[] = [];
  for (const { action, title: own } of found) {
    if ('sql' in action) {
      const verdict = checkSql(action.sql);
      const statements = verdict.ok && verdict.statements.length > 0 ? verdict.statements : [{ text: action.sql, comment: undefined }];
      for (const statement of statements) checks.push({ title: statement.comment ?? own ?? title, sql: statement.text });
    } else {
      checks.push({ title: own ?? title, ...action });
    }
  }
  const repeated = checks.filter((c) => c.title === title).length > 1;
  let n = 0;
  return repeated ? checks.map((c) => (c.title === title ? { ...c, title: `${title} (${++n})` } : c)) : checks;
}

/** "1. Drop PostgreSQL database" → "Drop PostgreSQL database". */
export function withoutNumbering(text: string): string {
  return text.replace(/^\s*\d+[.)]\s*/, '').trim();
}
