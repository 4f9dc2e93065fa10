// The layer rules of eslint.config.js (DESIGN's layers) catch what they are
// for: each planted violation below is linted as if it were a file of that
// layer, with the project's own configuration, and must be reported; the
// allowed forms next to it must not be. `npm run lint` runs the same rules
// over src/ (its own stage in .ci/run).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The messages eslint reports for `code` as the file `path` (relative to the repository). */
async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result.messages.map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

async function rejects(path: string, code: string, pattern: RegExp): Promise<void> {
  const found = await problems(path, code);
  assert.ok(found.some((m) => pattern.test(m)), `${path} should be rejected (${pattern}), eslint said: ${JSON.stringify(found)}`);
}

async function accepts(path: string, code: string): Promise<void> {
  assert.deepEqual(await problems(path, code), [], `${path} should pass`);
}

describe('eslint layer rules', () => {
  test('src/engine: no I/O, no executor call, no words, no clock', async () => {
    await rejects('src/engine/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /src\/engine is pure/);
    await rejects('src/engine/planted.ts', "import pg from 'pg';\nexport const x = pg;\n", /src\/engine is pure/);
    await rejects('src/engine/planted.ts', "import { execa } from 'execa';\nexport const x = execa;\n", /src\/engine is pure/);
    await rejects('src/engine/planted.ts', "import { appendEvent } from '../journal/journal.js';\nexport const x = appendEvent;\n", /no outer layer/);
    await rejects('src/engine/planted.ts', "import { runSql } from '../exec/postgres/index.js';\nexport const x = runSql;\n", /never call them/);
    await rejects('src/engine/planted.ts', "import { duration } from '../present/duration.js';\nexport const x = duration;\n", /structured state, not words/);
    await rejects('src/engine/planted.ts', 'export const at = () => Date.now();\n', /no clock of its own/);
    // Naming the shapes executors report is how the engine's events are typed.
    await accepts('src/engine/planted.ts', "import type { ExecEvent } from '../exec/types.js';\nexport type E = ExecEvent;\n");
  });

  test('src/present: words only, no I/O and nothing above it', async () => {
    await rejects('src/present/planted.ts', "import { writeFile } from 'node:fs/promises';\nexport const x = writeFile;\n", /does no I\/O/);
    await rejects('src/present/planted.ts', "import { readJournal } from '../journal/journal.js';\nexport const x = readJournal;\n", /below the renderers/);
    await rejects('src/present/planted.ts', "import { Text } from 'ink';\nexport const x = Text;\n", /colour and layout/);
    await rejects('src/present/planted.ts', "import { fleetKey } from '../fleet/start.js';\nexport const x = fleetKey;\n", /never call them/);
    await accepts('src/present/planted.ts', "import type { TargetInfo } from '../exec/postgres/target.js';\nexport type T = TargetInfo;\n");
    // The fleet's rows are what its words are about (present/fleet.ts).
    await accepts('src/present/planted.ts', "import type { TargetRow } from '../fleet/control.js';\nexport type T = TargetRow;\n");
  });

  test('src/tui components and views: no pg/execa/exec/journal, no value formatting', async () => {
    await rejects('src/tui/views/planted.ts', "import pg from 'pg';\nexport const x = pg;\n", /never do I\/O/);
    await rejects('src/tui/components/Planted.tsx', "import { execa } from 'execa';\nexport const x = execa;\n", /never do I\/O/);
    await rejects('src/tui/views/planted.ts', "import { cancelStatement } from '../../exec/postgres/index.js';\nexport const x = cancelStatement;\n", /never call an executor/);
    await rejects('src/tui/planted.ts', "import { completedSteps } from '../journal/rollback-plan.js';\nexport const x = completedSteps;\n", /never reach the journal/);
    await rejects('src/tui/show/planted.ts', "import { RunSession } from '../../run/session.js';\nexport const x = RunSession;\n", /never reach the session/);
    await rejects('src/tui/views/planted.ts', 'export const ms = (n: number) => `${(n / 1000).toFixed(1)} s`;\n', /do not format values \(\.toFixed\)/);
    await rejects('src/tui/views/planted.ts', "export const n = (n: number) => n.toLocaleString('en-US');\n", /\.toLocaleString/);
    await rejects('src/tui/picker/planted.ts', "export const n = (n: number) => String(n).padStart(3);\n", /\.padStart/);
    await rejects('src/tui/components/Planted.tsx', "export const f = new Intl.NumberFormat('en-US');\n", /Intl/);
    await rejects('src/tui/views/planted.ts', 'export const j = (v: unknown) => JSON.stringify(v);\n', /JSON\.stringify/);
    // Allowed: the shapes a view renders, and present's words.
    await accepts(
      'src/tui/views/planted.ts',
      "import type { MonitorSample } from '../../exec/postgres/monitor.js';\nimport { duration } from '../../present/duration.js';\nexport const f = (s: MonitorSample, ms: number) => [s, duration(ms)];\n",
    );
  });

  test('the tui glue (wiring, controller) may reach the session and its monitor', async () => {
    await accepts('src/tui/wiring.ts', "import { startMonitor } from '../exec/postgres/monitor.js';\nexport const x = startMonitor;\n");
  });
});
