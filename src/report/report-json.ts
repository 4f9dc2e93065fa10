// A run as one JSON document, for scripts and dashboards. Its shape is the zod
// schema below (the JSON Schema comes from it: reportJsonSchema()); the
// report is checked against it before it is written.
import { z } from 'zod';
import type { RunReport } from '../journal/summary.js';

const verdict = z.object({ label: z.string(), ok: z.boolean(), expected: z.string(), actual: z.string() });
const status = z.enum(['pending', 'running', 'passed', 'failed', 'skipped', 'interrupted', 'rolled_back']);

export const runReportSchema = z.object({
  format: z.literal('runbook-report'),
  version: z.literal(1),
  run: z.object({
    id: z.string(),
    kind: z.enum(['runbook', 'procedure', 'rollback']),
    procedureId: z.string().optional(),
    rollbackOf: z.string().optional(),
    outcome: z.enum(['succeeded', 'failed', 'aborted', 'stopped', 'rolled back']),
    reason: z.string().optional(),
    startedAt: z.string().describe('ISO 8601'),
    endedAt: z.string().optional(),
    durationMs: z.number().nonnegative().optional(),
  }),
  runbook: z.object({ id: z.string(), title: z.string(), file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  target: z.object({
    url: z.string().describe('Password replaced by ***.'),
    host: z.string().optional(),
    port: z.number().optional(),
    database: z.string().optional(),
    user: z.string().optional(),
    serverVersion: z.string().optional(),
    isReplica: z.boolean().optional(),
  }),
  sessions: z.array(z.object({ action: z.enum(['started', 'resumed']), operator: z.string(), pid: z.number().int(), at: z.string() })).min(1),
  inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  items: z.array(
    z.object({
      key: z.string(),
      kind: z.enum(['prerequisite', 'step', 'checklist']),
      id: z.string(),
      title: z.string(),
      status,
      attempts: z.number().int().nonnegative(),
      durationMs: z.number().nonnegative().optional(),
      shell: z.string().optional(),
      statements: z.array(
        z.object({
          attempt: z.number().int(),
          index: z.number().int().nonnegative(),
          line: z.number().int(),
          text: z.string(),
          command: z.string().optional(),
          rowCount: z.number().int().nullable().optional(),
          durationMs: z.number().nonnegative().optional(),
          outcome: z.enum(['ok', 'failed', 'unfinished']),
        }),
      ),
      verdicts: z.array(verdict),
      error: z.object({ kind: z.string(), message: z.string(), sqlstate: z.string().optional() }).passthrough().optional(),
      notices: z.array(z.string()),
      notes: z.array(z.string()),
      output: z.array(z.string()),
      skipReason: z.string().optional(),
      fixes: z.array(z.object({ entryId: z.string(), ok: z.boolean(), at: z.string() })),
      findings: z
        .array(
          z.object({
            rule: z.string(),
            severity: z.enum(['error', 'warning', 'info']),
            statementIndex: z.number().int(),
            line: z.number().int(),
            column: z.number().int(),
            lock: z.string().nullable(),
            relation: z.string().nullable(),
            rewrite: z.boolean(),
            message: z.string(),
            accepted: z.object({ reason: z.string(), by: z.enum(['comment', 'runbook']) }).optional(),
          }),
        )
        .describe('What `runbook lint` finds in the step’s SQL, judged for the pinned server; accepted ones with their reason.'),
      locks: z
        .object({
          attempts: z.array(
            z
              .object({ index: z.number().int(), attempt: z.number().int(), attempts: z.number().int(), outcome: z.string(), blockers: z.array(z.object({ pid: z.number().int() }).passthrough()), queueMax: z.number().int(), queueWaitMaxMs: z.number() })
              .passthrough(),
          ),
          traces: z.array(z.object({ index: z.number().int(), traced: z.array(z.object({ relation: z.string(), mode: z.string() })), rewritten: z.array(z.string()), differences: z.array(z.object({ relation: z.string() }).passthrough()) }).passthrough()),
        })
        .optional()
        .describe('The lock guard’s attempts (who blocked each, how long the queue behind it grew) and the locks --trace-locks recorded.'),
    }),
  ),
  decisions: z.array(z.object({ type: z.string(), key: z.string(), at: z.string() }).passthrough()),
  rollbackPlan: z.array(z.object({ id: z.string(), title: z.string(), undo: z.string() })).nullable(),
  notes: z.array(z.object({ at: z.string(), text: z.string() })),
});

export type RunReportJson = z.infer<typeof runReportSchema>;

const at = (ms: number) => new Date(ms).toISOString();

export function jsonReport(r: RunReport): RunReportJson {
  const doc = {
    format: 'runbook-report',
    version: 1,
    run: {
      id: r.runId,
      kind: r.kind,
      ...(r.procedureId ? { procedureId: r.procedureId } : {}),
      ...(r.rollbackOf ? { rollbackOf: r.rollbackOf } : {}),
      outcome: r.outcome,
      ...(r.reason ? { reason: r.reason } : {}),
      startedAt: at(r.startedAt),
      ...(r.endedAt !== undefined ? { endedAt: at(r.endedAt), durationMs: r.endedAt - r.startedAt } : {}),
    },
    runbook: r.runbook,
    target: {
      url: r.target,
      ...(r.pinned ? { host: r.pinned.host, port: r.pinned.port, database: r.pinned.database, user: r.pinned.user, serverVersion: r.pinned.serverVersion, isReplica: r.pinned.isReplica } : {}),
    },
    sessions: r.sessions.map((s) => ({ ...s, at: at(s.at) })),
    inputs: r.inputs,
    items: r.items.map((it) => ({ ...it, fixes: it.fixes.map((f) => ({ ...f, at: at(f.at) })) })),
    decisions: r.decisions.map((d) => ({ ...d, at: at(d.at) })),
    rollbackPlan: r.rollbackPlan,
    notes: r.notes.map((n) => ({ ...n, at: at(n.at) })),
  };
  return runReportSchema.parse(doc);
}

export function jsonReportText(r: RunReport): string {
  return `${JSON.stringify(jsonReport(r), null, 2)}\n`;
}

/** The JSON Schema of the report, for consumers that validate it. */
export function reportJsonSchema(): unknown {
  return z.toJSONSchema(runReportSchema);
}
