// lint: `runbook lint` of a 10,000-statement migration file against the
// least work it can be: a process that loads PostgreSQL's parser and parses
// the same file. The lock model, the findings and their text must cost little
// beside the parse (target ≤ 1.5×). `runbook validate` of a runbook that runs
// the same file is shown beside it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASELINE_WASM, bundledFloor } from '../lib/bundled-floor.js';
import { fmtMs, interleaved } from '../lib/measure.js';
import { infoFigure, ratioFigure, runbook, timed, wall, type Case } from '../lib/types.js';
import { caseDir, sqlStepRunbook } from './files.js';

/** A migration of `n` statements as teams write them: new tables, columns, indexes, constraints, backfills. */
export function migrationSql(n = 10000): string {
  const out: string[] = ["SET lock_timeout = '5s';"];
  for (let i = 0; out.length < n; i++) {
    const t = `app.orders_${i % 200}`;
    const forms = [
      `CREATE TABLE IF NOT EXISTS app.t_${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), note text);`,
      `ALTER TABLE ${t} ADD COLUMN c_${i} integer DEFAULT 0;`,
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_${i}_idx ON ${t} (customer_id, created_at DESC) WHERE status <> 'done';`,
      `ALTER TABLE ${t} ADD CONSTRAINT orders_${i}_fk FOREIGN KEY (customer_id) REFERENCES app.customers (id) NOT VALID;`,
      `ALTER TABLE ${t} VALIDATE CONSTRAINT orders_${i}_fk;`,
      `UPDATE ${t} SET status = 'open' WHERE id BETWEEN ${i * 1000} AND ${i * 1000 + 999} AND status IS NULL;`,
      `ALTER TABLE ${t} ALTER COLUMN note TYPE varchar(200);`,
      `COMMENT ON COLUMN ${t}.c_${i} IS 'added by migration ${i}';`,
      `INSERT INTO app.audit (at, what) VALUES (now(), 'step ${i}') ON CONFLICT DO NOTHING;`,
      `CREATE INDEX orders_${i}_plain ON ${t} (updated_at);`,
    ];
    out.push(forms[i % forms.length]);
  }
  return `${out.join('\n')}\n`;
}

/**
 * The floor: load the parser and parse the file, nothing else, loaded the way the program loads the parser (one
 * bundle with the parser's JavaScript in it, from V8's code cache, baseline-compiled WASM: bench/lib/bundled-floor.ts).
 */
const PARSE_ALONE_BUNDLED = `
const { readFileSync } = require('node:fs');
const { loadModule, parseSync } = require('libpg-query');
${BASELINE_WASM}
loadModule().then(() => parseSync(readFileSync(process.argv[3], 'utf8')));
`;

/** The same, written as anyone would: an ES module importing the package, V8's defaults. */
const PARSE_ALONE = `
import { readFileSync } from 'node:fs';
import { loadModule, parseSync } from 'libpg-query';
await loadModule();
parseSync(readFileSync(process.argv[2], 'utf8'));
`;

export const lintMigration: Case = {
  name: 'lint',
  title: 'lint a 10,000-statement migration',
  compared: '`runbook lint FILE.sql` (and `runbook validate` of a runbook running it) vs loading the parser and parsing the file',
  async run(ctx) {
    const dir = caseDir(ctx.tmp, 'lint');
    const sql = migrationSql();
    const file = join(dir, 'migration.sql');
    writeFileSync(file, sql);
    const rb = sqlStepRunbook(dir, 'migration', sql);
    // The floor runs from the repository's dist/, where `import 'libpg-query'` resolves as the program's own does.
    const floorScript = join(ctx.root, 'dist', 'bench', 'parse-alone.mjs');
    writeFileSync(floorScript, PARSE_ALONE);
    const state = join(dir, 'state');
    // Exit 1: findings of severity warning were left (the migration has some on purpose); still a full lint.
    const lint = runbook(ctx, ['lint', file], { stateDir: state, okExit: [0, 1] });
    const validate = runbook(ctx, ['validate', rb], { stateDir: state, okExit: [0, 1] });
    const parse = { argv: [process.execPath, floorScript, file], cwd: ctx.root };
    const bundledArgv = await bundledFloor({ dir: join(ctx.root, 'dist', 'bench', 'floor'), root: ctx.root, name: 'parse-alone', source: PARSE_ALONE_BUNDLED, warmupArgs: [file] });
    const parseBundled = { argv: [...bundledArgv, 'run', file], cwd: ctx.root };
    const [l, v, p, q] = await interleaved(
      [timed(ctx, lint), timed(ctx, validate), timed(ctx, parseBundled), timed(ctx, parse)],
      ctx,
      ([a, b, c, d]) => `lint ${fmtMs(a.wallMs)} · validate ${fmtMs(b.wallMs)} · parse alone ${fmtMs(c.wallMs)} (as a plain module ${fmtMs(d.wallMs)})`,
    );
    return {
      status: 'measured',
      figures: [
        ratioFigure('wall', 'ms', wall(l), wall(p), 1.5, '10,000 statements; lint prints its findings (to /dev/null here)'),
        infoFigure('validate of a runbook running the same file', 'ms', wall(v), wall(p), 'load, schema, lint of the file, the same findings computed'),
        infoFigure('lint against the parse alone as a plain module', 'ms', wall(l), wall(q), 'the floor written as anyone would (an ES module importing libpg-query, V8 defaults): the target is taken against the floor loaded as the program loads the parser'),
      ],
    };
  },
};
