// The targets file of a fleet: which databases, in which waves, how many at a
// time, what a failure does and what stands between two waves. The zod schema
// is the single source of truth; schema/targets.schema.json is generated from it.
import { z } from 'zod';

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$/, 'a name of letters, digits, _ . : - (up to 63 characters)')
  .describe('Unique name of the target, used in status, logs and job keys.');

const labels = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('Labels that waves select on, e.g. { region: eu, tier: canary }.');

export const target = z
  .strictObject({
    name,
    url: z.string().min(1).optional().describe('postgres://user@host:port/db — without a password (it comes from ~/.pgpass or PGPASSWORD).'),
    service: z.string().min(1).optional().describe('A libpq service name (pg_service.conf).'),
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional().describe('The name of an environment variable that holds the URL on the worker.'),
    labels,
  })
  .describe('One database of the fleet: exactly one of url, service or env.');

const duration = z.union([z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h)$/, 'a duration such as 30s, 5m or 1h'), z.number().nonnegative()]);

export const gate = z
  .strictObject({
    soak: duration.optional().describe('Wait this long after the wave, then re-run the runbook’s checks on its finished targets.'),
    approve: z.boolean().default(false).describe('A person approves (`runbook approve FLEET`) before the next wave starts.'),
  })
  .describe('What stands between this wave and the next.');

export const wave = z
  .strictObject({
    name: z.string().min(1).optional(),
    count: z.number().int().min(1).optional().describe('Take this many of the targets not yet in a wave (file order).'),
    percent: z.number().positive().max(100).optional().describe('Take this percentage of all targets (rounded up) from those not yet in a wave.'),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional().describe('Take every target not yet in a wave whose labels match all of these.'),
    canary: z.boolean().optional().describe('Any failure in this wave stops the fleet (default: true for a first wave named canary).'),
    concurrency: z.number().int().min(1).optional().describe('At most this many targets of the wave at once (default: the fleet’s).'),
    gate: gate.optional(),
  })
  .describe('A wave: count, percent or labels select its targets; none of them: every target left.');

export const targetsFile = z
  .strictObject({
    fleet: z.literal(1).optional().describe('Format version.'),
    name: name.optional().describe('The fleet’s name (default: runbook id and file name); typed to confirm destructive steps.'),
    concurrency: z.number().int().min(1).default(5).describe('At most this many targets at once in a wave.'),
    on_failure: z.enum(['stop', 'continue']).default('stop').describe('stop: no target starts after the first failure; continue: every target is tried.'),
    max_fail_percentage: z.number().min(0).max(100).optional().describe('Go on while the failures of a wave are at most this percentage of it (overrides on_failure).'),
    gate: gate.optional().describe('The gate after every wave but the last, unless a wave has its own.'),
    waves: z.array(wave).default([]),
    targets: z.array(target).min(1),
  })
  .describe('A fleet: the databases one runbook is run on, in waves.');

export type TargetSpec = z.output<typeof target>;
export type WaveSpec = z.output<typeof wave>;
export type GateSpec = z.output<typeof gate>;
export type TargetsData = z.output<typeof targetsFile>;
