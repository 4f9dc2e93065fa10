// Targets file → the fleet's plan: each target's connection and its wave, or
// every problem in the file at once with file:line:col (as for runbooks).
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseDuration } from '../run/duration.js';
import { Locator, problemsFromZod, type PathKey, type Problem } from '../runbook/problems.js';
import { readYaml } from '../runbook/yaml-source.js';
import { targetsFile, type GateSpec, type TargetSpec, type TargetsData } from './targets-schema.js';

/** How a worker reaches a target; never a password. */
export type Connection = { url: string } | { service: string } | { env: string };

export interface PlannedTarget {
  name: string;
  connection: Connection;
  labels: Record<string, string | number | boolean>;
  wave: number;
}

export interface Gate {
  soakMs: number;
  approve: boolean;
}

export interface PlannedWave {
  name: string;
  canary: boolean;
  concurrency: number;
  /** After this wave, before the next (none after the last). */
  gate: Gate | null;
  targets: string[];
}

export interface FleetPlan {
  /** The fleet's name from the file, if it gives one. */
  name?: string;
  file: string;
  onFailure: 'stop' | 'continue';
  maxFailPercentage: number | null;
  waves: PlannedWave[];
  targets: PlannedTarget[];
}

export type TargetsResult = { ok: true; plan: FleetPlan } | { ok: false; problems: Problem[] };

export async function loadTargets(file: string): Promise<TargetsResult> {
  let text: string;
  try {
    text = await readFile(resolve(file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ok: false, problems: [{ file, line: 1, column: 1, message: code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(err)})` }] };
  }
  return parseTargets(text, file);
}

export function parseTargets(text: string, file: string): TargetsResult {
  const read = readYaml(text, file);
  if (!read.ok) return { ok: false, problems: read.problems };
  const locate = new Locator(file, read.positions);
  if (read.data === null || typeof read.data !== 'object' || Array.isArray(read.data)) {
    return { ok: false, problems: [locate.at([], 'expected a mapping with targets: (a list of { name, url | service | env, labels })')] };
  }
  const parsed = targetsFile.safeParse(read.data);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error.issues, read.data, locate).map((p) => ({ ...p, message: p.message.replace('schema/runbook.schema.json', 'schema/targets.schema.json') })) };
  const problems: Problem[] = [];
  const at = (path: PathKey[], message: string, key?: string) => problems.push(locate.at(path, message, key));
  const data = parsed.data;
  const seen = new Map<string, number>();
  data.targets.forEach((t, i) => {
    const first = seen.get(t.name);
    if (first !== undefined) at(['targets', i, 'name'], `target name "${t.name}" is used twice (first at targets[${first}]): names must be unique`);
    else seen.set(t.name, i);
    checkConnection(t, (key, message) => at(['targets', i], message, key));
  });
  data.waves.forEach((w, i) => {
    const selectors = (['count', 'percent', 'labels'] as const).filter((k) => w[k] !== undefined);
    if (selectors.length > 1) at(['waves', i], `waves[${i}]: give one of count, percent or labels, not ${selectors.join(' and ')}`, selectors[1]);
  });
  for (const [path, g] of [[['gate'], data.gate], ...data.waves.map((w, i) => [['waves', i, 'gate'], w.gate] as const)] as [PathKey[], GateSpec | undefined][]) {
    try {
      parseDuration(g?.soak);
    } catch (e) {
      at([...path, 'soak'], (e as Error).message);
    }
  }
  if (problems.length) return { ok: false, problems };
  const waves = planWaves(data, (i, message) => at(['waves', i], message));
  if (problems.length) return { ok: false, problems };
  const waveOf = new Map(waves.flatMap((w, i) => w.targets.map((t) => [t, i] as const)));
  return {
    ok: true,
    plan: {
      name: data.name,
      file: resolve(file),
      onFailure: data.on_failure,
      maxFailPercentage: data.max_fail_percentage ?? null,
      waves,
      targets: data.targets.map((t) => ({ name: t.name, connection: connectionOf(t), labels: t.labels, wave: waveOf.get(t.name)! })),
    },
  };
}

function connectionOf(t: TargetSpec): Connection {
  if (t.url !== undefined) return { url: t.url };
  if (t.service !== undefined) return { service: t.service };
  return { env: t.env! };
}

function checkConnection(t: TargetSpec, problem: (key: string, message: string) => void): void {
  const given = (['url', 'service', 'env'] as const).filter((k) => t[k] !== undefined);
  if (given.length !== 1) {
    problem(given[1] ?? 'name', `target "${t.name}": give exactly one of url, service or env${given.length ? ` (found ${given.join(', ')})` : ''}`);
    return;
  }
  if (t.url === undefined) return;
  let url: URL;
  try {
    url = new URL(t.url);
  } catch {
    problem('url', `target "${t.name}": not a URL; expected postgres://user@host:port/database`);
    return;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') problem('url', `target "${t.name}": expected a postgres:// URL, found ${url.protocol}//`);
  // The file is shared and committed: a password in it would be on every screen and in every log that shows the file.
  if (url.password || /(^|&)(ssl)?password=/i.test(url.search.slice(1))) {
    problem('url', `target "${t.name}": the URL holds a password; remove it and put it in ~/.pgpass (or PGPASSWORD on the workers), never in the targets file`);
  }
}

function matches(labels: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.entries(wanted).every(([k, v]) => labels[k] !== undefined && String(labels[k]) === String(v));
}

/** Each wave takes its share of the targets not yet in one, in file order; what is left forms a last wave. */
export function planWaves(data: Pick<TargetsData, 'targets' | 'waves' | 'concurrency' | 'gate'>, problem: (wave: number, message: string) => void): PlannedWave[] {
  let left = [...data.targets];
  const total = data.targets.length;
  const waves: PlannedWave[] = [];
  data.waves.forEach((w, i) => {
    let taken: TargetSpec[];
    if (w.labels) taken = left.filter((t) => matches(t.labels, w.labels!));
    else if (w.count !== undefined) taken = left.slice(0, w.count);
    else if (w.percent !== undefined) taken = left.slice(0, Math.max(1, Math.ceil((total * w.percent) / 100)));
    else taken = left;
    if (taken.length === 0) {
      problem(i, `waves[${i}]${w.name ? ` (${w.name})` : ''} selects no target: every target is already in an earlier wave or none matches`);
      return;
    }
    const names = new Set(taken.map((t) => t.name));
    left = left.filter((t) => !names.has(t.name));
    const name = w.name ?? (i === 0 && (w.canary || w.count === 1) ? 'canary' : `wave ${i + 1}`);
    waves.push({ name, canary: w.canary ?? name === 'canary', concurrency: w.concurrency ?? data.concurrency, gate: toGate(w.gate ?? data.gate), targets: [...names] });
  });
  if (left.length) waves.push({ name: waves.length ? 'rest' : 'all', canary: false, concurrency: data.concurrency, gate: toGate(data.gate), targets: left.map((t) => t.name) });
  if (waves.length) waves[waves.length - 1] = { ...waves[waves.length - 1], gate: null };
  return waves;
}

function toGate(g: GateSpec | undefined): Gate | null {
  if (!g) return null;
  const soakMs = parseDuration(g.soak) ?? 0;
  return soakMs > 0 || g.approve ? { soakMs, approve: g.approve } : null;
}

/** The default name of a fleet: the runbook's id and the targets file's name. */
export function defaultFleetName(runbookId: string, plan: FleetPlan): string {
  return plan.name ?? `${runbookId}-${basename(plan.file).replace(/\.(ya?ml)$/i, '')}`.slice(0, 63);
}
