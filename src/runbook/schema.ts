// The runbook file format. This zod schema is the single source of truth:
// the TypeScript types, the validator and the JSON Schema editors use
// (schema/runbook.schema.json, via `runbook schema`) all come from it.
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'an id of lowercase letters, digits, "-" and "_"')
  .describe('A stable identifier, used in the journal and on the command line.');

/** "30s", "10m", "1h", "500ms" or a number of milliseconds. */
export const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h)$/, 'a duration such as 500ms, 30s, 10m or 1h')])
  .describe('A duration: 500ms, 30s, 10m, 1h, or milliseconds as a number.');

/**
 * A condition on one value, written as text so it reads like the runbook
 * documents it came from: "= 0", ">= 120000", "!= ''", "between 1 and 10",
 * "/^Index Scan/i", "is null", "not null", or a bare value meaning "=".
 */
export const condition = z
  .union([z.string(), z.number(), z.boolean(), z.null()])
  .describe('A condition: "= 0", ">= 120000", "between 1 and 10", "/regex/", "is null", "not null", or a bare value (equality).');

const textMatch = z
  .union([z.string(), z.array(z.string())])
  .describe('Text that must appear (a plain substring, or /regex/flags); a list means every item must appear.');

export const expectation = z
  .strictObject({
    rows: condition.optional().describe('The number of rows returned, e.g. 0, ">= 1", "between 1 and 100".'),
    no_rows: z.boolean().optional().describe('true: the query must return no rows (duplicate and NULL checks).'),
    row: z.record(z.string(), condition).optional().describe('Conditions on columns of the first row.'),
    every_row: z.record(z.string(), condition).optional().describe('Conditions every returned row must satisfy.'),
    some_row: z.record(z.string(), condition).optional().describe('Conditions at least one returned row must satisfy.'),
    notices: textMatch.optional().describe('NOTICE / WARNING text that must have been raised.'),
    output: textMatch.optional().describe('Text that must appear in the output (shell stdout+stderr, or result text).'),
    not_output: textMatch.optional().describe('Text that must NOT appear in the output.'),
    plan: textMatch.optional().describe('EXPLAIN output must contain this (e.g. "Index Scan using idx_x").'),
    not_plan: textMatch.optional().describe('EXPLAIN output must not contain this (e.g. "Seq Scan on messages").'),
    duration: condition.optional().describe('How long the action took, e.g. "< 1s", "<= 200ms".'),
    exit_code: condition.optional().describe('Shell exit code, e.g. 0 or "!= 0".'),
    error: z
      .strictObject({ sqlstate: z.string().optional(), message: z.string().optional() })
      .optional()
      .describe('The action is expected to fail with this error (for negative checks).'),
  })
  .describe('What the result must look like. Every condition given must hold.');
export type Expectation = z.infer<typeof expectation>;

/** Where a check's query runs: the target database (default) or a named connection. */
const connectionRef = z.string().describe('A connection named under `connections:`; the target database when omitted.');

const speedup = z
  .strictObject({
    baseline: z.string().describe('The slower query (SQL).'),
    candidate: z.string().describe('The query that must be faster (SQL).'),
    at_least: z.number().positive().describe('The minimum speed-up factor, e.g. 3 for "3x faster".'),
    runs: z.number().int().min(1).max(101).default(5).describe('How many timed runs of each (the median is compared).'),
    warmup: z.number().int().min(0).max(20).default(1).describe('Untimed runs of each before timing.'),
  })
  .describe('Time both queries repeatedly; pass when median(baseline) / median(candidate) >= at_least.');

const compare = z
  .strictObject({
    left: z.strictObject({ connection: connectionRef.optional(), sql: z.string() }),
    right: z.strictObject({ connection: connectionRef.optional(), sql: z.string() }),
    op: z.enum(['=', '!=', '<', '<=', '>', '>=']).default('='),
    by: z.string().optional().describe('A key column: rows are matched by it and the other columns compared (e.g. table name → count).'),
    tolerance: z.number().nonnegative().default(0).describe('Allowed absolute difference for numbers.'),
  })
  .describe('Run a query on two connections and compare the values (e.g. row counts in SQLite vs PostgreSQL).');

const sqlAction = {
  sql: z.string().optional().describe('SQL to run; statements run one by one. {{ inputs.x }} is sent as a bind parameter, {{ ident inputs.x }} as a quoted identifier.'),
  sql_file: z.string().optional().describe('A file of SQL, relative to the runbook file.'),
  shell: z.string().optional().describe('A shell command; inputs arrive as environment variables RUNBOOK_INPUT_<NAME>, the database URL as DATABASE_URL.'),
};

export const check = z
  .strictObject({
    id: id.optional(),
    title: z.string(),
    ...sqlAction,
    connection: connectionRef.optional(),
    confirm: z.string().optional().describe('A manual confirmation the operator must give.'),
    speedup: speedup.optional(),
    compare: compare.optional(),
    expect: expectation.optional(),
    timeout: duration.optional(),
  })
  .describe('A verification: a query, command, comparison or timing, and what its result must be.');
export type Check = z.infer<typeof check>;

const transactionMode = z
  .enum(['auto', 'always', 'never'])
  .describe('auto: one transaction unless a statement cannot run in one (CONCURRENTLY, VACUUM, ...); always; never.');

// The lock guard: how a step that takes a strong lock (stronger than ROW
// EXCLUSIVE) waits for it, retries, and gives way to the sessions queueing
// behind it. Set on the runbook as defaults, overridden per step.
const fraction = z.number().min(0).max(1);

export const lockRetries = z
  .strictObject({
    attempts: z.number().int().min(1).max(100).describe('How many times the statement is tried in all, the first included (1: no retry).'),
    backoff: duration.default('1s').describe('The wait before the second attempt; it doubles before each later one.'),
    max_backoff: duration.optional().describe('The longest wait between two attempts (default: no cap beyond the doubling).'),
    jitter: fraction
      .default(0.25)
      .describe('Randomness of each wait, as a fraction: 0.25 draws it between 75% and 125% of the doubled backoff, so runners that collided do not collide again.'),
    last_attempt_without_timeout: z
      .boolean()
      .default(false)
      .describe('true: the last attempt waits for its lock without lock_timeout (the max_queue / max_queue_wait guard still applies).'),
  })
  .describe('Retry a statement stopped by lock_timeout or by the queue guard: attempts, exponential backoff with jitter (as GitLab\'s with_lock_retries).');
export type LockRetries = z.infer<typeof lockRetries>;

/** The guard's fields, the same on the runbook (defaults) and on a step (overrides). */
const guardFields = {
  lock_timeout: duration
    .optional()
    .describe('How long a statement may wait for a lock before it is stopped (lock_timeout); a step that takes a lock stronger than ROW EXCLUSIVE should set it, here or on the runbook.'),
  lock_retries: lockRetries.optional(),
  max_queue: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Cancel our statement (and retry by lock_retries) when more than this many sessions wait behind the lock it waits for or holds.'),
  max_queue_wait: duration
    .optional()
    .describe('Cancel our statement (and retry by lock_retries) when a session has waited behind it longer than this.'),
};

export const action = z.strictObject({
  ...sqlAction,
  connection: connectionRef.optional(),
  confirm: z.string().optional(),
  transaction: transactionMode.optional(),
  timeout: duration.optional(),
  lock_timeout: duration.optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
});
export type Action = z.infer<typeof action>;

export const step = z
  .strictObject({
    id,
    title: z.string(),
    explain: z.string().optional().describe('Markdown for the learner: why, what, what can go wrong.'),
    ...sqlAction,
    connection: connectionRef.optional(),
    confirm: z.string().optional().describe('A manual step: text the operator confirms was done.'),
    transaction: transactionMode.default('auto'),
    timeout: duration.optional().describe('Becomes statement_timeout for SQL, a kill timer for shell.'),
    ...guardFields,
    accept: z
      .record(z.string(), z.string().min(1))
      .optional()
      .describe('Findings of `runbook lint` accepted on purpose for this step: rule id → why (shown as accepted, and journalled when the step runs).'),
    env: z.record(z.string(), z.string()).optional().describe('Extra environment for a shell step (values may use {{ inputs.x }}).'),
    cwd: z.string().optional().describe('Working directory for a shell step, relative to the runbook file.'),
    expected: z.string().optional().describe('The output the operator should expect, shown beside the real one.'),
    expect: expectation.optional().describe('Conditions on the step’s own result.'),
    verify: z.array(check).default([]).describe('Checks run after the step; a failure blocks progress.'),
    applied: z
      .union([z.string(), z.array(z.string()).min(1)])
      .optional()
      .describe(
        'How to find out whether work in flight took effect, when the connection was lost or the runner died while it ran: SQL returning one row with one boolean (true: it took effect). One query for a step whose statements commit together (a transaction, or one statement); a list, one query per statement, for a step of several statements without a transaction.',
      ),
    rollback: action.optional().describe('How to undo this step.'),
    troubleshoot: z.array(id).default([]).describe('Troubleshooting entries that apply to this step.'),
    danger: z.boolean().optional().describe('true: destroys data; requires typing the database name.'),
    irreversible: z.boolean().optional().describe('true: cannot be rolled back (say so loudly).'),
    skippable: z.boolean().default(false).describe('Whether the operator may skip this step with a typed reason.'),
    approve: z
      .union([z.literal(true), z.string().min(1)])
      .optional()
      .describe('This step waits for a second person’s approval before it runs (`runbook approve RUN`, given as another database role); a text says why.'),
  })
  .describe('One step of the procedure.');
export type Step = z.infer<typeof step>;

/** What a troubleshooting entry says about the failures it is for: every criterion given must hold. */
export const matchCriteria = z
  .strictObject({
    sqlstate: z.union([z.string(), z.array(z.string())]).optional(),
    error: z.string().optional().describe('Text or /regex/ matched against the error or failed check.'),
    check: z
      .union([z.boolean(), z.string()])
      .optional()
      .describe('true: a check failed (the action itself ran without error); text or /regex/: a failed check whose title, expectation or finding matches.'),
    step: z.union([id, z.array(id)]).optional().describe('Only for a failure of these steps. Alone, it lists the entry among the steps’ other known problems.'),
  })
  .describe('Criteria that must all hold.');
export type MatchCriteria = z.infer<typeof matchCriteria>;

export const troubleshootingEntry = z.strictObject({
  id,
  title: z.string(),
  match: z
    .union([matchCriteria, z.array(matchCriteria).min(1)])
    .optional()
    .describe('The failures this entry is for: one set of criteria, or a list of them when one cause shows in several ways (a failed check, or an error of another step); it matches when any one of them holds.'),
  cause: z.string().optional(),
  fix: z
    .strictObject({
      explain: z.string().optional(),
      ...sqlAction,
      connection: connectionRef.optional(),
      confirm: z.boolean().default(true).describe('Ask before running the fix.'),
      transaction: transactionMode.optional(),
      timeout: duration.optional(),
    })
    .optional(),
});
export type TroubleshootingEntry = z.infer<typeof troubleshootingEntry>;

/** An entry's criteria as a list: one block, or each of the alternatives it lists. */
export function matchCriteriaOf(entry: Pick<TroubleshootingEntry, 'match'>): MatchCriteria[] {
  const m = entry.match;
  return m === undefined ? [] : Array.isArray(m) ? m : [m];
}

/** The steps an entry's criteria name (any of its alternatives). */
export function matchSteps(entry: Pick<TroubleshootingEntry, 'match'>): string[] {
  return matchCriteriaOf(entry).flatMap((c) => (c.step === undefined ? [] : Array.isArray(c.step) ? c.step : [c.step]));
}

export const input = z.strictObject({
  type: z.enum(['string', 'integer', 'number', 'boolean', 'identifier', 'path']).default('string'),
  description: z.string().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
  required: z.boolean().default(true),
  secret: z.boolean().default(false).describe('Never shown, journalled or reported.'),
  pattern: z.string().optional().describe('A regular expression the value must match.'),
  min: z.number().optional(),
  max: z.number().optional(),
  choices: z.array(z.union([z.string(), z.number()])).optional(),
});
export type Input = z.infer<typeof input>;

const inputName = z.string().regex(/^[a-z_][a-z0-9_]*$/);

/**
 * A named rollback or recovery scenario, run on its own (--procedure) under
 * pressure. It asks for its own inputs and checks its own prerequisites, and
 * takes nothing from the forward runbook unless it says so under `inherit:`.
 */
export const procedure = z.strictObject({
  id,
  title: z.string(),
  summary: z.string().optional(),
  when: z.string().optional().describe('When to use this procedure.'),
  inputs: z.record(inputName, input).default({}).describe('Inputs this procedure asks for (besides the inherited ones).'),
  prerequisites: z.array(check).default([]).describe('Checks this procedure makes before its first step (besides the inherited ones).'),
  inherit: z
    .strictObject({
      inputs: z.array(inputName).default([]).describe('Names of the runbook’s inputs this procedure uses too.'),
      prerequisites: z.array(z.string()).default([]).describe('Ids of the runbook’s prerequisites this procedure checks too.'),
    })
    .optional()
    .describe('What the procedure takes from the forward runbook: nothing unless named here.'),
  steps: z.array(step).min(1),
});
export type Procedure = z.infer<typeof procedure>;

export const connection = z.strictObject({
  sqlite: z.string().optional().describe('Path of a SQLite database file (relative to the runbook; may use {{ inputs.x }}).'),
  postgres: z.string().optional().describe('A PostgreSQL URL, or an environment variable name as $NAME.'),
});

export const checklistItem = z.union([z.string(), z.strictObject({ id: id.optional(), title: z.string(), group: z.string().optional() })]);

export const runbook = z
  .strictObject({
    $schema: z.string().optional(),
    runbook: z.literal(1).describe('Format version.'),
    id,
    title: z.string(),
    summary: z.string().optional(),
    risk: z.enum(['low', 'medium', 'high', 'critical']).default('medium'),
    estimate: z.string().optional(),
    tags: z.array(z.string()).default([]),
    requires: z.array(z.string()).default([]).describe('Extensions or tools this runbook needs, e.g. timescaledb, alembic.'),
    inputs: z.record(inputName, input).default({}),
    connections: z.record(id, connection).default({}),
    sandbox: z
      .strictObject({ sql: z.string().optional(), sql_file: z.string().optional(), shell: z.string().optional(), inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional() })
      .optional()
      .describe('Builds the world the procedure starts from; runs only with --sandbox.'),
    prerequisites: z.array(check).default([]),
    steps: z.array(step).min(1),
    troubleshooting: z.array(troubleshootingEntry).default([]),
    procedures: z.array(procedure).default([]),
    checklist: z.array(checklistItem).default([]),
    approvals: z
      .strictObject({
        risk: z
          .enum(['low', 'medium', 'high', 'critical'])
          .optional()
          .describe('When the runbook’s risk is this or higher, every step that changes data waits for a second person’s approval.'),
        destructive: z.boolean().optional().describe('true: every destructive step (DROP, TRUNCATE, DELETE/UPDATE without WHERE, danger: true) waits for a second person’s approval.'),
      })
      .optional()
      .describe('Which steps wait for a second person’s approval (`runbook approve RUN`, given as another database role), besides those marked approve:.'),
    // Defaults for every step, procedures' included; a step's own value wins.
    ...guardFields,
  })
  .describe('A runbook: a procedure that runbook walks an operator through.');

export type RunbookData = z.infer<typeof runbook>;
