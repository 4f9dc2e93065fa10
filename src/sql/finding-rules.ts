// The findings' catalogue: every rule id, its severity, and the advice a DBA
// applies. Rule ids are stable: they are what `-- runbook: accept <rule>` and
// a step's `accept:` name, and what CI tools key SARIF results on.

export type Severity = 'error' | 'warning' | 'info';

export interface Rule {
  severity: Severity;
  /** One line: what the rule is about. */
  title: string;
  /** The safe pattern, written for the person who will change the migration. */
  advice: string;
}

export const RULES = {
  'create-index-non-concurrently': {
    severity: 'warning',
    title: 'CREATE INDEX blocks writes to the table for the whole build',
    advice: 'Use CREATE INDEX CONCURRENTLY, in a step of its own (it cannot run inside a transaction block). If it fails it leaves an INVALID index: drop it before retrying.',
  },
  'drop-index-non-concurrently': {
    severity: 'warning',
    title: 'DROP INDEX takes ACCESS EXCLUSIVE on the index and its table',
    advice: 'Use DROP INDEX CONCURRENTLY, in a step of its own (it cannot run inside a transaction block).',
  },
  'reindex-non-concurrently': {
    severity: 'warning',
    title: 'REINDEX blocks writes, and reads that use the index',
    advice: 'Use REINDEX … CONCURRENTLY (PostgreSQL 12 and later), in a step of its own outside a transaction block.',
  },
  'constraint-validates': {
    severity: 'warning',
    title: 'Adding a constraint checks every row while holding the table’s lock',
    advice: 'Add it NOT VALID (ALTER TABLE … ADD CONSTRAINT … NOT VALID), then ALTER TABLE … VALIDATE CONSTRAINT in a later step: validating takes only SHARE UPDATE EXCLUSIVE, so reads and writes go on.',
  },
  'set-not-null-scans': {
    severity: 'warning',
    title: 'SET NOT NULL scans the whole table under ACCESS EXCLUSIVE',
    advice: 'Set it through a validated CHECK: ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT in a later step; then SET NOT NULL (PostgreSQL 12 and later use the check and skip the scan) and drop the CHECK.',
  },
  'add-unique-builds-index': {
    severity: 'warning',
    title: 'UNIQUE / PRIMARY KEY builds its index under ACCESS EXCLUSIVE',
    advice: 'Build the index first with CREATE UNIQUE INDEX CONCURRENTLY (its own step), then ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX), which holds the lock only briefly.',
  },
  'add-exclusion-builds-index': {
    severity: 'warning',
    title: 'An exclusion constraint builds its index under ACCESS EXCLUSIVE',
    advice: 'An exclusion constraint cannot adopt an index built concurrently: run it when the table is quiet, with a lock_timeout on the step, or build the table anew and swap it in.',
  },
  'column-type-rewrites': {
    severity: 'warning',
    title: 'Changing the column’s type rewrites the table and its indexes under ACCESS EXCLUSIVE',
    advice: 'Add a new column of the new type, backfill it in batches, move readers and writers to it, then drop the old column. Binary-coercible changes (varchar(n) → text or a longer varchar, numeric(p,s) → a wider numeric) do not rewrite.',
  },
  'add-column-volatile-default': {
    severity: 'warning',
    title: 'A volatile default is computed for every row: the table is rewritten under ACCESS EXCLUSIVE',
    advice: 'Add the column without a default, then ALTER COLUMN … SET DEFAULT for new rows, and fill existing rows with a batched backfill (UPDATE … WHERE id BETWEEN … AND …, one transaction per batch).',
  },
  'add-column-default-rewrites': {
    severity: 'warning',
    title: 'Before PostgreSQL 11, ADD COLUMN with a DEFAULT rewrites the table',
    advice: 'Add the column without a default, ALTER COLUMN … SET DEFAULT in a separate statement, and fill existing rows with a batched backfill.',
  },
  'add-column-rewrites': {
    severity: 'warning',
    title: 'A serial, identity or stored generated column is filled in for every row: the table is rewritten',
    advice: 'Add a plain nullable column, fill it with a batched backfill, then attach the sequence (SET DEFAULT nextval(…)) or the expression; or build the table anew and swap it in.',
  },
  'table-rewrite': {
    severity: 'warning',
    title: 'The table is rewritten under ACCESS EXCLUSIVE',
    advice: 'Run it in a maintenance window with a lock_timeout on the step, or use a tool that rewrites online (pg_repack, pg_squeeze).',
  },
  'refresh-matview-non-concurrently': {
    severity: 'warning',
    title: 'REFRESH MATERIALIZED VIEW blocks every read of the view until it finishes',
    advice: 'Use REFRESH MATERIALIZED VIEW CONCURRENTLY (the view needs a unique index): reads go on while it refreshes.',
  },
  'detach-partition-non-concurrently': {
    severity: 'warning',
    title: 'DETACH PARTITION takes ACCESS EXCLUSIVE on the parent',
    advice: 'Use DETACH PARTITION … CONCURRENTLY (PostgreSQL 14 and later), in a step of its own outside a transaction block.',
  },
  'attach-partition-scans': {
    severity: 'info',
    title: 'ATTACH PARTITION scans the new partition under ACCESS EXCLUSIVE',
    advice: 'First add a CHECK constraint matching the partition bound (NOT VALID, then VALIDATE CONSTRAINT): ATTACH PARTITION then skips the scan. Drop the CHECK afterwards.',
  },
  'unbatched-update': {
    severity: 'warning',
    title: 'UPDATE of every row in one transaction',
    advice: 'Do a batched backfill: UPDATE … WHERE id BETWEEN … AND … (or a LIMITed subquery), one transaction per batch, so row locks, WAL bursts and dead rows stay small.',
  },
  'rename-breaks-clients': {
    severity: 'info',
    title: 'A rename breaks every query still using the old name',
    advice: 'Expand and contract: add the new name (a new column kept in sync, or a view with the old name), move the application over, then remove the old name.',
  },
  'explicit-lock': {
    severity: 'info',
    title: 'LOCK TABLE holds a strong lock until the transaction ends',
    advice: 'Keep the transaction short, and set a lock_timeout so waiting for the lock does not queue everyone behind it.',
  },
  'access-exclusive-lock': {
    severity: 'info',
    title: 'The statement takes ACCESS EXCLUSIVE: every read and write of the table waits',
    advice: 'Set a lock_timeout on the step, so the statement gives up instead of queueing every query behind it.',
  },
  'lock-timeout-missing': {
    severity: 'warning',
    title: 'A statement takes a lock stronger than ROW EXCLUSIVE with no lock_timeout',
    advice: 'Set lock_timeout on the step or the runbook (lock_timeout: 5s), or SET lock_timeout in the SQL file, so a statement waiting for its lock gives up instead of blocking every query that queues behind it.',
  },
  'cannot-analyse': {
    severity: 'warning',
    title: 'The statement cannot be analysed: what it locks is unknown',
    advice: 'Read what it does and which tables it touches; once reviewed, accept the finding with the reason.',
  },
  'cannot-run-in-transaction': {
    severity: 'error',
    title: 'The statement cannot run inside a transaction block, and it is inside one',
    advice: 'Remove the BEGIN/COMMIT around it, or give it a step of its own (transaction: auto): runbook then runs it outside a transaction block.',
  },
  'enum-value-used-in-transaction': {
    severity: 'error',
    title: 'An enum value is added and used in the same transaction',
    advice: 'Add the value in one step and use it in a later one: PostgreSQL refuses a new enum value until the transaction that added it commits.',
  },
  'syntax-error': {
    severity: 'error',
    title: 'The SQL does not parse',
    advice: 'Fix the statement: runbook reads SQL with PostgreSQL’s own parser, so the server would refuse it too.',
  },
  'invalid-runbook': {
    severity: 'error',
    title: 'The runbook file is not valid',
    advice: 'Fix the problem named (`runbook validate` lists every one with file:line:col).',
  },
  'accept-without-reason': {
    severity: 'warning',
    title: 'A finding is accepted without a reason',
    advice: 'Write why after the rule id: -- runbook: accept <rule> <reason>.',
  },
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof RULES;

export function isRuleId(id: string): id is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, id);
}

/** Severities from the worst down. */
export function severityRank(s: Severity): number {
  return s === 'error' ? 2 : s === 'warning' ? 1 : 0;
}
