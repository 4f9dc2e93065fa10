// Where runs are kept: the user's config folder, or the
// folder given by --state-dir / RUNBOOK_STATE_DIR. It holds the settings, the
// index of runs (runbook.json) and one journal per run (runs/<id>.jsonl).
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { onState, StateError } from './fs-errors.js';
import type { RunKind } from '../engine/state.js';
import { JsonFile, userStateDir } from './json-file.js';
import { readJournal, type Journal, type JournalHeader } from './journal.js';

export interface Settings {
  /** Who the journal says ran things; default: the OS user @ this host. */
  operator?: string;
  /** Write every run to the target database as well (like --record-in-db). */
  recordInDb?: boolean;
  /** More folders of runbooks for the picker and `runbook list`, after ./runbooks and RUNBOOK_PATH. */
  runbookDirs?: string[];
  /** Folders outside a runbook's own folder tree whose files a runbook may use (sql_file, cwd, sqlite). */
  allowedDirs?: string[];
}

/** One entry of the index: enough to list runs without opening journals. */
export interface RunIndexEntry {
  id: string;
  runbook: string;
  title: string;
  file: string;
  kind: RunKind;
  procedureId?: string;
  rollbackOf?: string;
  target: string;
  database: string;
  operator: string;
  startedAt: number;
  journal: string;
}

interface StoreData {
  settings: Settings;
  runs: Record<string, RunIndexEntry>;
}

export interface Store {
  dir: string;
  runsDir: string;
  settings(): Settings;
  /** The file the settings (and the index) are kept in. */
  settingsFile: string;
  /** Changes the settings; the result is checked before anything is written. */
  changeSettings(change: (settings: Settings) => Settings): Settings;
  /** Adds or replaces a run in the index. */
  remember(entry: RunIndexEntry): void;
  /** Every run known: the index, plus any journal in runs/ the index missed. */
  runs(): RunIndexEntry[];
  journalPath(id: string): string;
}

/** The settings' shape: the zod schema they are checked with when read and before they are written. */
export const settingsSchema = z.strictObject({
  operator: z.string().min(1, 'operator must be a non-empty string').optional(),
  recordInDb: z.boolean({ error: 'recordInDb must be true or false' }).optional(),
  runbookDirs: z.array(z.string(), { error: 'runbookDirs must be a list of folder paths' }).optional(),
  allowedDirs: z.array(z.string(), { error: 'allowedDirs must be a list of folder paths' }).optional(),
});

/** The settings, checked by settingsSchema, with a message naming the file. */
function checkSettings(value: unknown, path: string): Settings {
  if (value === undefined) return {};
  const parsed = settingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const what =
    issue.code === 'unrecognized_keys'
      ? `has an unknown key "${issue.keys[0]}" (known: ${Object.keys(settingsSchema.shape).join(', ')})`
      : issue.path.length === 0
        ? 'must be an object'
        : issue.message;
  throw new StateError(`${path}: settings ${what}; fix or remove it`);
}

/** Opens the state folder: --state-dir, else RUNBOOK_STATE_DIR, else the user's config folder. */
/** `reading`: the settings are read, and nothing is made (no folder for runs): a run reading them before its runbook is known good. */
export function openStore(stateDir?: string, options: { reading?: boolean } = {}): Store {
  const dir = stateDir ?? (process.env.RUNBOOK_STATE_DIR || undefined) ?? userStateDir();
  const file = new JsonFile<StoreData>(join(dir, 'runbook.json'));
  const runsDir = join(dir, 'runs');
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new StateError(`${dir}: the state folder is a file, not a folder; move it away, or pass --state-dir (or set RUNBOOK_STATE_DIR) to a folder`);
  }
  if (!options.reading) onState(runsDir, 'create the folder of run journals', () => mkdirSync(runsDir, { recursive: true, mode: 0o700 }));
  // The index keeps journal paths relative to the state folder, so a copied folder works on its own; an
  // absolute path (written before) is taken only when this folder has no journal of that run.
  const resolveJournal = (e: RunIndexEntry) => {
    if (!isAbsolute(e.journal)) return join(dir, e.journal);
    const own = journalPath(e.id);
    return existsSync(own) ? own : e.journal;
  };
  const journalPath = (id: string) => join(runsDir, `${id}.jsonl`);
  return {
    dir,
    runsDir,
    journalPath,
    settings: () => checkSettings(file.read().settings, file.path),
    settingsFile: file.path,
    changeSettings(change) {
      let next: Settings = {};
      file.update((data) => {
        next = checkSettings(change({ ...checkSettings(data.settings, file.path) }), file.path);
        data.settings = next;
      });
      return next;
    },
    // Read afresh and written back at once, so another run's entry written meanwhile is kept.
    remember: (entry) =>
      file.update((data) => {
        const inside = relative(dir, resolve(entry.journal));
        const journal = inside.startsWith('..') || isAbsolute(inside) ? entry.journal : inside;
        data.runs = { ...data.runs, [entry.id]: { ...entry, journal } };
      }),
    runs() {
      const indexed = file.read().runs ?? {};
      const all = new Map(
        Object.values(indexed)
          .map((e) => ({ ...e, journal: resolveJournal(e) }))
          .filter((e) => existsSync(e.journal))
          .map((e) => [e.id, e]),
      );
      for (const name of onState(runsDir, 'list the run journals', () => readdirSync(runsDir))) {
        const id = name.replace(/\.jsonl$/, '');
        if (name.endsWith('.jsonl') && !all.has(id)) all.set(id, orphanEntry(id, journalPath(id)));
      }
      return [...all.values()].sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
    },
  };
}

/** A run's entry in the index, from its journal's header and the database it runs against. */
export function indexEntry(header: JournalHeader, database: string, journal: string): RunIndexEntry {
  return {
    id: header.runId,
    runbook: header.runbook.id,
    title: header.runbook.title,
    file: header.runbook.file,
    kind: header.kind,
    procedureId: header.procedureId,
    rollbackOf: header.rollbackOf,
    target: header.target,
    database,
    operator: header.operator,
    startedAt: header.startedAt,
    journal,
  };
}

/** A journal the index does not know (its entry was lost in a race): filled in from its header. */
function orphanEntry(id: string, journal: string): RunIndexEntry {
  try {
    const { header, events } = readJournal(journal);
    const pinned = events.find((e) => e.type === 'target_pinned');
    return { ...indexEntry(header, pinned?.type === 'target_pinned' ? pinned.target.database : '?', journal), id };
  } catch {
    return { id, runbook: '?', title: '?', file: '?', kind: 'runbook', target: '?', database: '?', operator: '?', startedAt: 0, journal };
  }
}

/** "alice@db-admin-3": the person and machine the journal names. */
export function operatorName(settings: Settings = {}): string {
  const env = process.env.RUNBOOK_OPERATOR?.trim();
  if (env) return env;
  if (settings.operator) return settings.operator;
  let user = process.env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep $USER
  }
  return `${user}@${hostname()}`;
}

/**
 * A run id that sorts by time, ends in 32 random bits, and is named by any unique part of it:
 * 20251127-020812-3fa2c91e. Runs started in the same second share all but those bits (a fleet starts
 * them by the ten), and two that drew the same would share a journal file on one machine and a name in
 * a fleet's records: at 16 bits a fleet of 1,000 targets started ten a second met that about one
 * time in 15; at 32 bits, about one in a million.
 */
export function newRunId(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}-${cryptoModule().randomBytes(4).toString('hex')}`;
}

/**
 * Finds a run by its id or any part of it that no other run's id contains: a prefix, the last part
 * ("3fa2c91e") or the start of it ("3fa2"), as the shared record's runs are found (fleet/live.ts).
 */
export function findRun(runs: readonly RunIndexEntry[], ref: string): RunIndexEntry | { error: string } {
  const exact = runs.find((r) => r.id === ref);
  if (exact) return exact;
  const matches = ref === '' ? [] : runs.filter((r) => r.id.includes(ref));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) return { error: `no run "${ref}" (see runbook history)` };
  return { error: `"${ref}" matches ${matches.length} runs: ${matches.map((r) => r.id).join(', ')}` };
}

/** A run's index entry and journal, by reference; without one, the newest run that `pick` accepts. */
export function loadRun(
  store: Store,
  ref: string | undefined,
  pick: (j: Journal) => boolean = () => true,
  options: { lenient?: boolean } = {},
): { entry: RunIndexEntry; journal: Journal } | { error: string } {
  const runs = store.runs();
  if (ref) {
    const entry = findRun(runs, ref);
    if ('error' in entry) return entry;
    return { entry, journal: readJournal(entry.journal, options) };
  }
  for (const entry of [...runs].reverse()) {
    const journal = readJournal(entry.journal, options);
    if (pick(journal)) return { entry, journal };
  }
  return { error: `no run to pick in ${store.runsDir} (see runbook history)` };
}

/**
 * node:crypto, required when a run id is first made: loading it (and its ~15
 * internal modules) is a few ms of every command's start, and most commands
 * open the store only to read it.
 */
function cryptoModule(): typeof import('node:crypto') {
  return createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
}
