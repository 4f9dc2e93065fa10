// Finds the runbooks an operator can run: *.yaml / *.yml in ./runbooks and in
// every folder of RUNBOOK_PATH (colon separated, like PATH) and of the
// runbookDirs setting. A file that does not load is listed with its first
// problem, never thrown: one colleague's broken draft must not hide the rest.
import { openStore } from '../journal/store.js';
import { readFileSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRunbook, type Runbook } from './load.js';
import { formatProblem } from './problems.js';
import { readYaml } from './yaml-source.js';

export interface DiscoveredRunbook {
  file: string;
  id?: string;
  title?: string;
  risk?: string;
  estimate?: string;
  tags: string[];
  procedures: { id: string; title: string }[];
  /** Why the file does not load (file:line:col: message); the other fields are then best effort. */
  error?: string;
}

/** ./runbooks, then the folders of RUNBOOK_PATH in order. */
export function defaultRunbookDirs(env: NodeJS.ProcessEnv = process.env, settingDirs: readonly string[] = runbookDirsSetting()): string[] {
  const extra = (env.RUNBOOK_PATH ?? '').split(':').filter((d) => d.trim() !== '');
  return ['runbooks', ...extra, ...settingDirs];
}

/** The `runbookDirs` setting (in the user's runbook settings); none when unset or unreadable. */
function runbookDirsSetting(): string[] {
  try {
    return openStore().settings().runbookDirs ?? [];
  } catch {
    return [];
  }
}

/** Runbook files in a folder, sorted; none when the folder does not exist. */
async function runbookFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.ya?ml$/i.test(e.name))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

export async function discoverRunbooks(dirs: string[] = defaultRunbookDirs()): Promise<DiscoveredRunbook[]> {
  const seen = new Set<string>();
  const found: DiscoveredRunbook[] = [];
  for (const dir of dirs) {
    for (const file of await runbookFiles(dir)) {
      // The same folder may be reached twice (./runbooks also on RUNBOOK_PATH).
      const real = await realpath(file).catch(() => file);
      if (seen.has(real)) continue;
      seen.add(real);
      found.push(await describeFile(file));
    }
  }
  return found;
}

async function describeFile(file: string): Promise<DiscoveredRunbook> {
  const loaded = await loadRunbook(file).catch((err: unknown) => ({
    ok: false as const,
    problems: [{ file, line: 1, column: 1, message: err instanceof Error ? err.message : String(err) }],
  }));
  if (loaded.ok) return summarize(file, loaded.runbook);
  const [first, ...rest] = loaded.problems;
  const more = rest.length > 0 ? ` (and ${rest.length} more: run \`runbook validate ${file}\`)` : '';
  return { ...bestEffort(file), file, error: `${first ? formatProblem(first) : `${file}: does not load`}${more}` };
}

function summarize(file: string, rb: Runbook): DiscoveredRunbook {
  return {
    file,
    id: rb.id,
    title: rb.title,
    risk: rb.risk,
    ...(rb.estimate ? { estimate: rb.estimate } : {}),
    tags: [...rb.tags],
    procedures: rb.procedures.map((p) => ({ id: p.id, title: p.title })),
  };
}

/** What can still be read from a file that fails validation, so the list shows which runbook it is. */
function bestEffort(file: string): Omit<DiscoveredRunbook, 'file'> {
  let data: unknown;
  try {
    const read = readYaml(readFileSync(file, 'utf8'), file);
    if (!read.ok) return { tags: [], procedures: [] };
    data = read.data;
  } catch {
    return { tags: [], procedures: [] };
  }
  const record = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const out: Omit<DiscoveredRunbook, 'file'> = { tags: Array.isArray(record.tags) ? record.tags.filter((t): t is string => typeof t === 'string') : [], procedures: [] };
  for (const key of ['id', 'title', 'risk', 'estimate'] as const) {
    const value = text(record[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** The runbook file for an id, for commands that accept either (`runbook export phase3-indexes`). */
export async function findRunbookById(id: string, dirs: string[] = defaultRunbookDirs()): Promise<string | undefined> {
  return (await discoverRunbooks(dirs)).find((r) => r.id === id && !r.error)?.file;
}
