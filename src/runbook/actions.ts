// Every place in a runbook that runs something, with its path in the file:
// the loader checks them all the same way, and the runner resolves them the
// same way, so both walk this one list.
import type { PathKey } from './problems.js';
import type { RunbookData } from './schema.js';

export interface ActionLike {
  sql?: string;
  sql_file?: string;
  shell?: string;
  confirm?: string | boolean;
  connection?: string;
  speedup?: { baseline: string; candidate: string };
  compare?: { left: { connection?: string; sql: string }; right: { connection?: string; sql: string } };
}

export interface ActionSite {
  path: PathKey[];
  action: ActionLike;
  /** Whether the site must name exactly one thing to do (steps, checks) or may be empty (e.g. a fix that is only advice). */
  required: boolean;
  role: 'prerequisite' | 'step' | 'check' | 'rollback' | 'fix' | 'sandbox';
}

export function actionSites(rb: RunbookData): ActionSite[] {
  const sites: ActionSite[] = [];
  if (rb.sandbox) sites.push({ path: ['sandbox'], action: rb.sandbox, required: false, role: 'sandbox' });
  rb.prerequisites.forEach((c, i) => sites.push({ path: ['prerequisites', i], action: c, required: true, role: 'prerequisite' }));
  const stepSites = (steps: RunbookData['steps'], base: PathKey[]) =>
    steps.forEach((s, i) => {
      sites.push({ path: [...base, i], action: s, required: true, role: 'step' });
      s.verify.forEach((c, j) => sites.push({ path: [...base, i, 'verify', j], action: c, required: true, role: 'check' }));
      if (s.rollback) sites.push({ path: [...base, i, 'rollback'], action: s.rollback, required: true, role: 'rollback' });
    });
  stepSites(rb.steps, ['steps']);
  rb.procedures.forEach((p, i) => {
    (p.prerequisites ?? []).forEach((c, j) => sites.push({ path: ['procedures', i, 'prerequisites', j], action: c, required: true, role: 'prerequisite' }));
    stepSites(p.steps, ['procedures', i, 'steps']);
  });
  rb.troubleshooting.forEach((t, i) => {
    if (t.fix) sites.push({ path: ['troubleshooting', i, 'fix'], action: { ...t.fix, confirm: undefined }, required: false, role: 'fix' });
  });
  return sites;
}

/** The kinds of action a site names, e.g. ['sql'] or ['sql', 'shell'] (an error). */
export function actionKinds(a: ActionLike): string[] {
  const kinds: string[] = [];
  if (a.sql !== undefined) kinds.push('sql');
  if (a.sql_file !== undefined) kinds.push('sql_file');
  if (a.shell !== undefined) kinds.push('shell');
  if (typeof a.confirm === 'string') kinds.push('confirm');
  if (a.speedup !== undefined) kinds.push('speedup');
  if (a.compare !== undefined) kinds.push('compare');
  return kinds;
}
