// The runbooks, SQL and data files the cases need, generated into the bench's
// temp folder at bench time (nothing large is committed).
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function caseDir(tmp: string, name: string): string {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A runbook `id` of one step, whose action is the YAML line `action`. */
function oneStepRunbook(dir: string, id: string, action: string): string {
  const path = join(dir, `${id}.yaml`);
  writeFileSync(path, `runbook: 1\nid: bench-${id}\ntitle: bench ${id}\nrisk: low\nsteps:\n  - id: ${id}\n    title: bench ${id}\n    ${action}\n`);
  return path;
}

/** A runbook of one SQL step whose SQL is in `<id>.sql` (next to it). */
export function sqlStepRunbook(dir: string, id: string, sql: string): string {
  writeFileSync(join(dir, `${id}.sql`), sql);
  return oneStepRunbook(dir, id, `sql_file: ${id}.sql`);
}

/** 1,000 `SELECT n;` statements. */
export function manyStatementsSql(n = 1000): string {
  return Array.from({ length: n }, (_, i) => `SELECT ${i + 1};\n`).join('');
}

/** A data fix as operators write them: one INSERT per row, `n` of them (about 60 bytes each). */
export function dataFixSql(n: number): string {
  const parts: string[] = [];
  for (let i = 1; i <= n; i++) parts.push(`INSERT INTO bench_fix (id, account, amount, note) VALUES (${i}, 'acct-${i % 977}', ${(i % 10_000) / 100}, 'fix #${i}');\n`);
  return parts.join('');
}

export const BIG_RESULT_SQL = 'SELECT g AS n, md5(g::text) AS hash FROM generate_series(1, 1000000) AS g;\n';

export const NOTICE_STORM_SQL = `DO $$
BEGIN
  FOR i IN 1..100000 LOOP
    RAISE NOTICE 'notice number % of a storm', i;
  END LOOP;
END
$$;
`;

/** A file of `mib` MiB of text lines (~100 bytes each), written once. */
export async function floodFile(dir: string, mib = 100): Promise<string> {
  const path = join(dir, `flood-${mib}MiB.txt`);
  const bytes = mib * 1024 * 1024;
  if (existsSync(path) && statSync(path).size === bytes) return path;
  const out = createWriteStream(path);
  const filler = 'x'.repeat(200);
  let written = 0;
  let n = 0;
  while (written < bytes) {
    let chunk = '';
    while (chunk.length < 1 << 20 && written + chunk.length < bytes) {
      const head = `line ${++n} `;
      chunk += `${head}${filler.slice(0, 99 - head.length)}\n`;
    }
    chunk = chunk.slice(0, bytes - written);
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return path;
}

export function shellStepRunbook(dir: string, id: string, command: string): string {
  return oneStepRunbook(dir, id, `shell: ${JSON.stringify(command)}`);
}

/** A runbook of `n` trivial SQL steps, each with one check. */
export function manyStepsRunbook(dir: string, n: number): string {
  const path = join(dir, `steps-${n}.yaml`);
  const steps = Array.from(
    { length: n },
    (_, i) => `  - id: s${i + 1}
    title: trivial step ${i + 1}
    sql: SELECT ${i + 1} AS n
    verify:
      - title: the step's check
        sql: SELECT 1 AS one
        expect: { row: { one: 1 } }
`,
  ).join('');
  writeFileSync(path, `runbook: 1\nid: bench-steps-${n}\ntitle: bench ${n} steps\nrisk: low\nsteps:\n${steps}`);
  return path;
}

/** The same statements the many-steps runbook sends, for psql in one file. */
export function manyStepsSql(dir: string, n: number): string {
  const path = join(dir, `steps-${n}.sql`);
  writeFileSync(path, Array.from({ length: n }, (_, i) => `SELECT ${i + 1} AS n;\nSELECT 1 AS one;\n`).join(''));
  return path;
}
