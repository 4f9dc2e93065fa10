// `runbook` with no arguments. In a terminal: the picker — choose a runbook
// or one of its procedures and run it, or read it (`v`) and come back. Not in
// a terminal: the same list `runbook list` prints, for scripts.
import { stderrLine, stdoutLine } from '../write.js';
import { resolveDatabaseUrl } from '../../exec/connection-url.js';
import { defaultRunbookDirs, discoverRunbooks } from '../../runbook/discover.js';
import type { PickerChoice, PickerLiveRun } from '../../tui/picker/model.js';
import { listCommand } from './list.js';
import { EXIT } from '../exit-codes.js';

type Write = (line: string) => void;

const quote = (s: string) => (/^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** What to type to run the choice, when no database is configured. */
export function noDatabaseLines(choice: PickerChoice): string[] {
  const proc = choice.procedure ? ` --procedure ${quote(choice.procedure)}` : '';
  const file = quote(choice.file);
  return [
    'No database to run against: none was given (DATABASE_URL and the PG* variables are not set).',
    'Run it against your database with:',
    `  runbook run ${file}${proc} --db postgres://USER@HOST:5432/DBNAME`,
    'or set DATABASE_URL and run `runbook` again. To try it first on a throwaway database:',
    `  runbook run ${file}${proc} --sandbox`,
  ];
}

/** The runs going on now in the configured database's shared record (none when it cannot be read within 3 s). */
async function liveRunsIn(url: string): Promise<PickerLiveRun[]> {
  const { liveRuns, openRecordReader } = await import('../../fleet/live.js');
  let client: Awaited<ReturnType<typeof openRecordReader>> | undefined;
  const timeout = new Promise<[]>((resolve) => setTimeout(() => resolve([]), 3000).unref());
  const read = (async () => {
    client = await openRecordReader(url);
    return (await liveRuns(client)).map((r) => ({ runId: r.runId, runbookId: r.runbook, title: r.title, file: r.header.runbook.file, operator: r.operator, target: r.target }));
  })().catch(() => []);
  try {
    return await Promise.race([read, timeout]);
  } finally {
    void read.finally(() => client?.end().catch(() => {}));
  }
}

export async function bareCommand(
  out: Write = stdoutLine,
  err: Write = stderrLine,
  tty = Boolean(process.stdin.isTTY && process.stdout.isTTY),
  dirs = defaultRunbookDirs(),
): Promise<number> {
  if (!tty) return listCommand({}, out, err, dirs);
  const runbooks = await discoverRunbooks(dirs);
  if (runbooks.length === 0) return listCommand({}, out, err, dirs);
  const { loadPicker, loadShow } = await import('../../tui/load.js');
  const { runPicker } = await loadPicker();
  let initial: { filter?: string; selected?: string | null } | undefined;
  const db = resolveDatabaseUrl({ env: process.env });
  for (;;) {
    const live = db ? await liveRunsIn(db) : [];
    const { choice, resume } = await runPicker(runbooks, { initial, live });
    if (!choice) return EXIT.done;
    initial = resume;
    if (choice.watch && db) {
      // Watch it; leaving the watch comes back to the list.
      const { watchCommand } = await import('./watch.js');
      await watchCommand(choice.watch, { db }, out, err);
      continue;
    }
    if (choice.view) {
      // Read it, then come back to the list as it was.
      const { loadForShow } = await import('./show.js');
      const rb = await loadForShow(choice.file, err);
      if (!rb) return EXIT.usage;
      const { runShow } = await loadShow();
      await runShow(rb, choice.procedure ? { selectKey: `procedure:${choice.procedure}` } : {});
      continue;
    }
    if (!resolveDatabaseUrl({ env: process.env })) {
      noDatabaseLines(choice).forEach(err);
      return EXIT.usage;
    }
    const { runCommand } = await import('./run.js');
    return runCommand(choice.file, { input: [], ...(choice.procedure ? { procedure: choice.procedure } : {}) });
  }
}
