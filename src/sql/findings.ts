// Findings: what a DBA reviewing a migration would point out, statement by
// statement, each with a stable rule id, a severity, where it is, the lock it
// concerns and the safe pattern. Built from the lock model's hazards, plus what
// only the sequence of statements shows: a lock taken with no lock_timeout, a
// statement that cannot run in a transaction block inside one, an enum value
// added and used in one transaction. Findings accepted on purpose (a
// `-- runbook: accept <rule> <reason>` comment, or a step's `accept:`) stay in
// the list, marked accepted.

import type { Node } from 'libpg-query';
import { acceptComments, type AcceptComment } from './accept.js';
import { RULES, severityRank, type RuleId, type Severity } from './finding-rules.js';
import { LockContext, statementLocks, strongestLock, type LockFacts, type LockMode } from './locks.js';
import { blocksOfMode, lockModeWords, lockRank } from './lock-modes.js';
import { parseTreeOf, splitSql } from './split.js';
import { unwrap, walkConstants } from './tree.js';
import type { SqlStatement } from './types.js';

export { RULES, isRuleId, severityRank } from './finding-rules.js';
export type { Rule, RuleId, Severity } from './finding-rules.js';

/** The server version lint assumes when none is given: the newest PostgreSQL the project supports. */
export const DEFAULT_SERVER_VERSION_NUM = 180000;

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** 1-based position of the statement in the SQL text it was found in. */
  line: number;
  column: number;
  /** The statement's index among the SQL's statements. */
  statementIndex: number;
  /** The statement's command: 'CREATE INDEX'. */
  command: string;
  /** The lock it concerns (pg_locks mode name), or null. */
  lock: LockMode | null;
  relation: string | null;
  rewrite: boolean;
  message: string;
  advice: string;
  /** Set when the finding was accepted on purpose, with why and where. */
  accepted?: { reason: string; by: 'comment' | 'runbook' };
}

export interface FindingOptions {
  serverVersionNum?: number;
  /** lock_timeout is set for these statements by the step or runbook. */
  lockTimeout?: boolean;
  /** How a runbook step runs its statements (plain .sql files: 'never', statements as psql runs them). */
  transaction?: 'auto' | 'always' | 'never';
  /** Rules accepted for these statements, with the reason (a runbook step's accept:). */
  accepted?: Readonly<Record<string, string>>;
  /** What earlier SQL of the same file or runbook created; updated as statements are read. */
  context?: LockContext;
}

/** Findings for SQL text. Throws SqlSyntaxError when it does not parse (as splitSql does). */
export function sqlFindings(source: string, options: FindingOptions = {}): Finding[] {
  const statements = splitSql(source);
  const comments = source.includes('runbook:') ? acceptComments(source) : [];
  return statementsFindings(statements, comments, options);
}

/** Findings for statements already split (by splitSql) from one piece of SQL. */
export function statementsFindings(statements: SqlStatement[], comments: AcceptComment[], options: FindingOptions = {}): Finding[] {
  const version = options.serverVersionNum ?? DEFAULT_SERVER_VERSION_NUM;
  const context = options.context ?? new LockContext();
  const findings: Finding[] = [];
  const mode = options.transaction ?? 'never';
  // 'auto' wraps the whole step in one transaction unless a statement cannot run in one; 'always' always does.
  const wrapped = mode === 'always' || (mode === 'auto' && !statements.some((s) => s.noTransaction));
  let inBlock = wrapped;
  let lockTimeout = options.lockTimeout === true;
  let warnedTimeout = false;
  /** Enum values added in the current transaction. */
  let added = new Set<string>();

  statements.forEach((stmt, index) => {
    const node = parseTreeOf(stmt);
    if (!node) return;
    const facts = statementLocks(node, version, context);
    const add = (rule: RuleId, message: string, lock: LockMode | null, relation: string | null) =>
      findings.push({
        rule, severity: RULES[rule].severity, line: stmt.line, column: stmt.column, statementIndex: index,
        command: stmt.command, lock, relation, rewrite: facts.rewrite, message, advice: RULES[rule].advice,
      });
    const { type, body } = unwrap(node);

    // What only the order of statements shows.
    if (type === 'TransactionStmt') {
      const kind = String(body.kind);
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') inBlock = true;
      if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE'].includes(kind)) {
        inBlock = wrapped;
        added = new Set();
      }
      return;
    }
    if (type === 'VariableSetStmt' && body.name === 'lock_timeout') lockTimeout = String(body.kind) !== 'VAR_RESET' && !setsZero(body);
    const ownTransactionStatement = stmt.noTransaction !== null;
    if (inBlock && ownTransactionStatement) {
      add('cannot-run-in-transaction', `${stmt.noTransaction}, and this one runs inside ${wrapped ? 'the step’s transaction (transaction: always)' : 'the BEGIN before it'}`, null, null);
    }
    if (type === 'AlterEnumStmt' && body.newVal !== undefined) {
      if (inBlock && version < 120000) add('cannot-run-in-transaction', 'ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12', null, null);
      if (inBlock) added.add(String(body.newVal));
    } else if (inBlock && added.size > 0) {
      const used = walkConstants(node).find((v) => added.has(v));
      if (used !== undefined) add('enum-value-used-in-transaction', `the enum value '${used}' is used in the transaction that added it: PostgreSQL refuses it ("unsafe use of new value")`, null, null);
    }
    if (!inBlock && added.size > 0) added = new Set();

    // What the lock model found.
    for (const h of facts.hazards) {
      if (h.rule in RULES) add(h.rule as RuleId, h.detail, h.mode, h.relation);
    }
    const strongest = strongestLock(facts);
    if (!facts.analysable) add('cannot-analyse', `${stmt.command} cannot be analysed: ${facts.reason ?? 'the lock model cannot see what it does'}`, strongest, null);
    if (!lockTimeout && !warnedTimeout && strongest && lockRank(strongest) > lockRank('RowExclusiveLock') && !createdHere(facts, context)) {
      warnedTimeout = true;
      const on = facts.relations.find((r) => r.mode === strongest)?.relation ?? null;
      const table = on ?? 'the table';
      const queued = { 'reads and writes': `every query on ${table}`, writes: `every write to ${table}`, nothing: `VACUUM, ANALYZE and other schema changes on ${table}` }[blocksOfMode(strongest)];
      add('lock-timeout-missing', `${stmt.command} takes ${lockModeWords(strongest)}${on ? ` on ${on}` : ''} with no lock_timeout: while it waits for the lock, ${queued} queue${queued.startsWith('every') ? 's' : ''} behind it`, strongest, on);
    }
  });
  return applyAcceptance(findings, statements, comments, options.accepted);
}

/** `SET lock_timeout = 0` turns it off. */
function setsZero(body: Record<string, unknown>): boolean {
  const args = (body.args as Node[] | undefined) ?? [];
  if (args.length !== 1) return false;
  const c = unwrap(args[0]).body as { ival?: { ival?: number }; sval?: { sval?: string } };
  return (c.ival !== undefined && !c.ival.ival) || c.sval?.sval === '0';
}

/** Every relation it locks was created earlier in the same SQL: nobody else is using them yet. */
function createdHere(facts: LockFacts, context: LockContext): boolean {
  return facts.relations.length > 0 && facts.relations.every((r) => context.isNew(r.relation));
}

function applyAcceptance(findings: Finding[], statements: SqlStatement[], comments: AcceptComment[], accepted: Readonly<Record<string, string>> | undefined): Finding[] {
  const extra: Finding[] = [];
  for (const c of comments) {
    const index = statementForLine(statements, c.line);
    if (index < 0) continue;
    if (!c.reason) {
      const s = statements[index];
      extra.push({
        rule: 'accept-without-reason', severity: RULES['accept-without-reason'].severity, line: c.line, column: c.column,
        statementIndex: index, command: s.command, lock: null, relation: null, rewrite: false,
        message: `"-- runbook: accept ${c.rule}" gives no reason, so the finding stays open`, advice: RULES['accept-without-reason'].advice,
      });
      continue;
    }
    for (const f of findings) if (f.statementIndex === index && f.rule === c.rule && !f.accepted) f.accepted = { reason: c.reason, by: 'comment' };
  }
  for (const f of findings) {
    const reason = accepted?.[f.rule];
    if (reason && !f.accepted) f.accepted = { reason, by: 'runbook' };
  }
  return [...findings, ...extra].sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The statement a comment on `line` speaks for: the one on that line, or else the next one after it. */
function statementForLine(statements: SqlStatement[], line: number): number {
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    const lastLine = s.line + (s.text.match(/\n/g)?.length ?? 0);
    if (lastLine >= line) return i;
  }
  return -1;
}

/** Findings not accepted, of severity `at` or worse. */
export function openFindings<F extends Finding>(findings: readonly F[], at: Severity = 'warning'): F[] {
  return findings.filter((f) => !f.accepted && severityRank(f.severity) >= severityRank(at));
}
