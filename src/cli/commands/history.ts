// `runbook history`: the runs recorded here (runbook, target, who, when,
// outcome), or with --db, the runs recorded in that database by anyone.
import { stderrLine, stdoutLine } from '../write.js';
import type { Command } from 'commander';
import { connect } from '../../exec/postgres/index.js';
import { resolveDatabaseUrl } from '../../exec/connection-url.js';
import { sharedRuns } from '../../journal/db-record.js';
import { readJournal } from '../../journal/journal.js';
import { journalStatus } from '../../journal/replay.js';
import { openStore } from '../../journal/store.js';
import { duration, timestamp } from '../../present/duration.js';
import { listingText } from '../../present/table.js';
import { EXIT } from '../exit-codes.js';

export interface HistoryOptions {
  stateDir?: string;
  runbook?: string;
  limit?: string;
  json?: boolean;
  db?: string;
}

export interface HistoryRow {
  id: string;
  runbook: string;
  kind: string;
  target: string;
  operator: string;
  startedAt: string;
  outcome: string;
  duration: string;
  at?: string;
}

export function localHistory(opts: HistoryOptions): HistoryRow[] {
  const store = openStore(opts.stateDir);
  const rows: HistoryRow[] = [];
  for (const entry of store.runs()) {
    if (opts.runbook && entry.runbook !== opts.runbook) continue;
    let outcome = 'unreadable';
    let took = '—';
    let at: string | undefined;
    try {
      const status = journalStatus(readJournal(entry.journal));
      outcome = status.outcome + (status.outcome === 'stopped' && status.at ? ` at ${status.at}` : '');
      took = duration((status.endedAt ?? status.lastAt) - entry.startedAt);
      at = status.at;
    } catch (e) {
      outcome = `unreadable: ${e instanceof Error ? e.message : String(e)}`;
    }
    const kind = entry.kind === 'rollback' ? `rollback of ${entry.rollbackOf}` : entry.kind === 'procedure' ? `procedure ${entry.procedureId}` : 'run';
    rows.push({ id: entry.id, runbook: entry.runbook, kind, target: entry.target, operator: entry.operator, startedAt: timestamp(entry.startedAt), outcome, duration: took, at });
  }
  const limit = Number(opts.limit ?? 0);
  return limit > 0 ? rows.slice(-limit) : rows;
}

export async function historyCommand(opts: HistoryOptions, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  let rows: HistoryRow[];
  if (opts.db !== undefined) {
    const url = resolveDatabaseUrl({ db: opts.db, env: process.env });
    if (!url) {
      err('history --db: no database URL');
      return EXIT.usage;
    }
    const session = await connect(url, { applicationName: 'runbook history' });
    try {
      const shared = await sharedRuns(session);
      if (!shared) {
        err(`no runs are recorded in ${session.target.database} (runs record there with --record-in-db)`);
        return EXIT.usage;
      }
      rows = shared
        .filter((r) => !opts.runbook || r.runbook === opts.runbook)
        .map((r) => ({ id: r.runId, runbook: r.runbook, kind: r.kind, target: r.target, operator: r.operator, startedAt: r.startedAt, outcome: r.outcome ?? 'not ended', duration: '—' }));
    } finally {
      await session.close();
    }
  } else rows = localHistory(opts);
  if (opts.json) {
    for (const r of rows) out(JSON.stringify(r));
    return EXIT.done;
  }
  if (rows.length === 0) {
    out('no runs yet');
    return EXIT.done;
  }
  listingText(['RUN', 'RUNBOOK', 'KIND', 'TARGET', 'BY', 'STARTED', 'TIME', 'OUTCOME'], rows.map((r) => [r.id, r.runbook, r.kind, r.target, r.operator, r.startedAt, r.duration, r.outcome])).forEach(out);
  return EXIT.done;
}

export function register(program: Command): void {
  program
    .command('history')
    .description('list runs: runbook, target, who, when, outcome')
    .option('--runbook <id>', 'only runs of this runbook')
    .option('-n, --limit <n>', 'only the newest n runs')
    .option('--json', 'one JSON object per run')
    .option('--db <url>', 'list the runs recorded in this database (--record-in-db) instead of here')
    .option('--state-dir <dir>', 'where runs are recorded (default: RUNBOOK_STATE_DIR, then the user config folder)')
    .action(async (opts: HistoryOptions) => {
      process.exitCode = await historyCommand(opts, stdoutLine, stderrLine);
    });
}
