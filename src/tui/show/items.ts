// `runbook show`'s items: every part of a runbook — overview, prerequisites,
// steps, procedures and their steps, troubleshooting, checklist — in reading
// order, as the list on the left shows them and ↑↓ walks through them.
import { relative } from 'node:path';
import { checklistTitle } from '../../engine/plan.js';
import type { Runbook } from '../../runbook/load.js';
import { matchSteps, type Check, type Procedure, type Step, type TroubleshootingEntry } from '../../runbook/schema.js';

export type ShowItem =
  | { kind: 'overview'; key: string; title: string }
  | { kind: 'prerequisite'; key: string; title: string; check: Check; index: number }
  | { kind: 'step'; key: string; title: string; step: Step; index: number; of: number; procedure?: Procedure }
  | { kind: 'procedure'; key: string; title: string; procedure: Procedure }
  | { kind: 'troubleshooting'; key: string; title: string; entry: TroubleshootingEntry }
  | { kind: 'checklist'; key: string; title: string; index: number; group?: string };

/** A row of the left-hand list: a group heading, or an item that can be selected. */
export type ShowRow = { type: 'heading'; text: string } | { type: 'item'; item: ShowItem; indent: boolean };

/** Every row, in reading order: the runbook as a person walks through it. */
export function showRows(rb: Runbook): ShowRow[] {
  const rows: ShowRow[] = [];
  const add = (item: ShowItem, indent = false) => rows.push({ type: 'item', item, indent });
  add({ kind: 'overview', key: 'overview', title: 'Overview' });
  if (rb.prerequisites.length) {
    rows.push({ type: 'heading', text: `Prerequisites (${rb.prerequisites.length})` });
    rb.prerequisites.forEach((check, index) => add({ kind: 'prerequisite', key: `prerequisite:${check.id ?? index + 1}`, title: check.title, check, index }));
  }
  rows.push({ type: 'heading', text: `Steps (${rb.steps.length})` });
  rb.steps.forEach((step, index) => add({ kind: 'step', key: `step:${step.id}`, title: step.title, step, index, of: rb.steps.length }));
  if (rb.procedures.length) rows.push({ type: 'heading', text: `Procedures (${rb.procedures.length})` });
  for (const procedure of rb.procedures) {
    add({ kind: 'procedure', key: `procedure:${procedure.id}`, title: procedure.title, procedure });
    procedure.steps.forEach((step, index) =>
      add({ kind: 'step', key: `procedure:${procedure.id}:${step.id}`, title: step.title, step, index, of: procedure.steps.length, procedure }, true),
    );
  }
  if (rb.troubleshooting.length) {
    rows.push({ type: 'heading', text: `Troubleshooting (${rb.troubleshooting.length})` });
    for (const entry of rb.troubleshooting) add({ kind: 'troubleshooting', key: `troubleshooting:${entry.id}`, title: entry.title, entry });
  }
  if (rb.checklist.length) {
    rows.push({ type: 'heading', text: `Checklist (${rb.checklist.length})` });
    rb.checklist.forEach((c, index) => add({ kind: 'checklist', key: `checklist:${index + 1}`, title: checklistTitle(c), index, ...(typeof c !== 'string' && c.group ? { group: c.group } : {}) }));
  }
  return rows;
}

export function showItems(rb: Runbook): ShowItem[] {
  return showRows(rb).flatMap((r) => (r.type === 'item' ? [r.item] : []));
}

/** The runbook's file as the operator would type it: relative to here when it is below here. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !rel.startsWith('/') ? rel : file;
}

export function linkedEntries(rb: Runbook, step: Step): TroubleshootingEntry[] {
  return rb.troubleshooting.filter((e) => step.troubleshoot.includes(e.id) || matchSteps(e).includes(step.id));
}
