// fleet: one 3-step runbook on 100 local databases, as a fleet with
// concurrency 10 (the control database on the same server, the workers inside
// the command) against `runbook run` on each database one after the other.
// The figure is the fleet's own cost per target:
//
//   overhead/target = wall(fleet) × 10 / 100  −  wall(100 runs in sequence) / 100
//
// the time a worker slot spends on a target beyond what a run on its own
// takes (queueing, the control database's bookkeeping, the coordinator's
// waves). Measured once per bench run (100 databases, 100 processes), whatever --runs says.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { runTimed } from '../lib/measure.js';
import { infoFigure, runbook, type Case } from '../lib/types.js';
import { caseDir } from './files.js';

const N = 100;
const CONCURRENCY = 10;

const RUNBOOK = `runbook: 1
id: bench-fleet
title: Bench fleet
risk: low
steps:
  - { id: create, title: Create, sql: "CREATE TABLE IF NOT EXISTS bench_fleet (n int)" }
  - { id: insert, title: Insert, sql: "INSERT INTO bench_fleet VALUES (1)" }
  - id: count
    title: Count
    sql: SELECT count(*) AS n FROM bench_fleet
    expect: { row: { n: ">= 1" } }
`;

export const fleet: Case = {
  name: 'fleet',
  title: 'fleet',
  compared: `one 3-step runbook on ${N} databases: a fleet, concurrency ${CONCURRENCY}, against runbook run on each in sequence`,
  async run(ctx) {
    const dir = caseDir(ctx.tmp, 'fleet');
    const server = new URL(ctx.url);
    const password = decodeURIComponent(server.password);
    server.password = '';
    const at = (db: string) => Object.assign(new URL(server), { pathname: `/${db}` }).toString();
    const names = Array.from({ length: N }, (_, i) => `bench_fleet_${String(i + 1).padStart(3, '0')}`);
    const admin = new pg.Client({ connectionString: ctx.url });
    await admin.connect();
    try {
      const have = new Set((await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'bench\\_fleet\\_%'`)).rows.map((r) => r.datname));
      for (const n of [...names, 'bench_fleet_control']) if (!have.has(n)) await admin.query(`CREATE DATABASE "${n}"`);
    } finally {
      await admin.end();
    }
    const rb = join(dir, 'rb.yaml');
    writeFileSync(rb, RUNBOOK);
    const targets = join(dir, 'targets.yaml');
    writeFileSync(targets, `concurrency: ${CONCURRENCY}\ntargets:\n${names.map((n) => `  - { name: ${n}, url: "${at(n)}" }`).join('\n')}\n`);
    const env: Record<string, string> = password ? { PGPASSWORD: password } : {};
    const stateDir = join(dir, 'state');
    ctx.log(`    ${N} runs one after the other…`);
    let sequential = 0;
    for (const n of names) sequential += (await runTimed(runbook(ctx, ['run', rb, '--db', at(n), '--plain', '--yes'], { stateDir, env }), ctx.tmp)).wallMs;
    ctx.log(`    the fleet (concurrency ${CONCURRENCY})…`);
    const fleetRun = await runTimed(runbook(ctx, ['fleet', 'run', rb, '--targets', targets, '--control', at('bench_fleet_control'), '--workers', String(CONCURRENCY), '--plain'], { stateDir, env }), ctx.tmp);
    const perTarget = sequential / N;
    const slot = (fleetRun.wallMs * CONCURRENCY) / N;
    ctx.log(`    sequence ${Math.round(sequential)} ms (${perTarget.toFixed(0)} ms/target) · fleet ${Math.round(fleetRun.wallMs)} ms (${(fleetRun.wallMs / N).toFixed(0)} ms/target, ${slot.toFixed(0)} ms per worker slot) → overhead ${(slot - perTarget).toFixed(0)} ms/target`);
    return {
      status: 'measured',
      figures: [
        infoFigure('fleet wall time', 'ms', [fleetRun.wallMs], [sequential], `${N} targets: the fleet (concurrency ${CONCURRENCY}) against ${N} runs in sequence; measured once`),
        infoFigure('worker-slot time per target', 'ms', [slot], [perTarget], `fleet wall × ${CONCURRENCY} / ${N} against one run's wall time: overhead ${(slot - perTarget).toFixed(0)} ms/target (queue, control database, coordinator, ${CONCURRENCY} runs sharing the machine's cores)`),
      ],
    };
  },
};
