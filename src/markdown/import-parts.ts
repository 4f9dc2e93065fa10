// The parts of a document around its steps: prerequisites, troubleshooting
// entries, the closing checklist and the inputs table.
import type { z } from 'zod';
import type { checklistItem, input } from '../runbook/schema.js';
import { firstLine, mergeActions, readCodeBlock, type FoundAction } from './commands.js';
import { checksFrom, type CheckDraft, type TroubleshootingDraft, type Unmapped } from './import-context.js';
import { descendants, unitsOf, type Label, type Section } from './sections.js';
import { IdAllocator, slugify } from './slug.js';

type ChecklistDraft = z.input<typeof checklistItem>;
type InputDraft = z.input<typeof input>;

/**
 * Prerequisites: ticked or plain list items become confirmations; SQL (or a
 * psql -c query, or a block labelled "Check:") becomes a check. Install
 * scripts are not prerequisites a runbook can check, and are reported.
 */
export function readPrerequisites(section: Section, unmapped: Unmapped, where: string): CheckDraft[] {
  const checks: CheckDraft[] = [];
  let label: Label | undefined;
  for (const unit of unitsOf(section, true)) {
    if (unit.type === 'line') label = unit.label;
    else if (unit.type === 'heading') label = undefined;
    else if (unit.type === 'list') {
      const grouped = label && !unit.items.some((i) => i.task) && label.kind === 'other';
      if (grouped && label) {
        // "Operating System:" + a list of alternatives: one confirmation, not one per line.
        const text = `${label.name}: ${unit.items.map((i) => i.text).join('; ')}`;
        checks.push({ title: label.name, confirm: text });
      } else {
        for (const item of unit.items) checks.push({ title: item.text.replace(/:$/, ''), confirm: item.text.replace(/:$/, '') });
      }
      label = undefined;
    } else if (unit.type === 'code') {
      const reading = readCodeBlock(unit.lang, unit.text);
      const queries = reading && reading.actions.length > 0 && reading.actions.every((a) => 'sql' in a.action);
      if (reading && (queries || label?.kind === 'verify')) {
        const title = label?.value ? label.value.replace(/\s+[—-]+\s+expects?:.*$/, '') : (label?.name ?? 'Prerequisite check');
        checks.push(...checksFrom(reading.actions, title));
        unmapped.addAll(where, reading);
      } else {
        const at = label ? `${where} › ${label.name}` : where;
        unmapped.add(at, `${unit.lang || 'text'} block not mapped (${firstLine(unit.text)}): a prerequisite is a query to check or a fact to confirm`);
      }
      label = undefined;
    }
  }
  return checks;
}

/** One entry per sub-heading ("### Issue 2: Connection Pool Exhaustion"). */
export function readTroubleshooting(section: Section, unmapped: Unmapped, where: string): TroubleshootingDraft[] {
  const ids = new IdAllocator();
  const entries = section.children.length > 0 ? section.children : [section];
  return entries.map((entry) => readEntry(entry, ids, unmapped, entry === section ? where : `${where} › ${entry.title}`));
}

type Bucket = 'cause' | 'fix' | 'error';

function readEntry(section: Section, ids: IdAllocator, unmapped: Unmapped, where: string): TroubleshootingDraft {
  const title = section.title.replace(/^(issue|problem|error)\s*\d*\s*[:.\-–—]\s*/i, '').replace(/^"(.*)"$/, '$1').trim() || section.title;
  const text: Record<Bucket, string[]> = { cause: [], fix: [], error: [] };
  const fixActions: FoundAction[] = [];
  let bucket: Bucket = 'fix';
  let id: string | undefined;
  let errorText: string | undefined;
  for (const unit of unitsOf(section, true)) {
    if (unit.type === 'id') id ??= unit.id;
    else if (unit.type === 'line') {
      const kind = unit.label?.kind;
      if (kind === 'cause' || kind === 'fix' || kind === 'error') {
        bucket = kind;
        if (unit.label?.value) text[bucket].push(unit.label.value);
      } else if (kind !== 'ignored') {
        text[bucket].push(bucket === 'fix' ? unit.markdown : unit.text);
      }
    } else if (unit.type === 'list') {
      text[bucket].push(bucket === 'fix' ? unit.markdown : unit.items.map((i) => i.text).join('; '));
    } else if (unit.type === 'code') {
      const reading = readCodeBlock(unit.lang, unit.text);
      if (bucket === 'error' && !reading) {
        // The error text the operator will see: what the entry matches on.
        errorText ??= firstLine(unit.text).replace(/^(ERROR|FATAL|PANIC|WARNING):\s*/, '');
      } else {
        unmapped.addAll(where, reading);
        if (reading && reading.actions.length > 0) fixActions.push(...reading.actions);
        else text.fix.push(unit.markdown); // not runnable as written: the operator still reads it
      }
    } else if (unit.type !== 'heading') {
      text[bucket].push(unit.markdown);
    }
  }
  const merged = mergeActions(fixActions);
  if (merged.note) unmapped.add(where, `fix: ${merged.note}`);
  const cause = [...text.error.map((s) => `Symptom: ${s}`), ...text.cause].join(' ').trim();
  const explain = text.fix.join('\n\n').trim();
  const fix = merged.action || explain ? { ...(explain ? { explain } : {}), ...merged.action } : undefined;
  return {
    id: ids.take(id ?? slugify(title, 'issue')),
    title,
    ...(errorText ? { match: { error: errorText } } : {}),
    ...(cause ? { cause } : {}),
    ...(fix ? { fix } : {}),
  };
}

/** Checklist items, grouped by the sub-heading they sit under. */
export function readChecklist(section: Section, unmapped: Unmapped, where: string, group?: string): ChecklistDraft[] {
  const items: ChecklistDraft[] = [];
  for (const part of [section, ...descendants(section)]) {
    const partGroup = part === section ? group : part.title;
    for (const unit of unitsOf(part)) {
      if (unit.type === 'list') items.push(...unit.items.map((i) => (partGroup ? { title: i.text, group: partGroup } : i.text)));
      else if (unit.type === 'code') unmapped.add(`${where}${part === section ? '' : ` › ${part.title}`}`, `${unit.lang || 'text'} block in a checklist not mapped (${firstLine(unit.text)})`);
    }
  }
  return items;
}

const INPUT_TYPES = new Set(['string', 'integer', 'number', 'boolean', 'identifier', 'path']);

/** An "Inputs" table (as the exporter writes it): | Input | Type | Default | Required | Description |. */
export function readInputs(section: Section, unmapped: Unmapped, where: string): Record<string, InputDraft> {
  const inputs: Record<string, InputDraft> = {};
  for (const unit of unitsOf(section, true)) {
    if (unit.type !== 'table') continue;
    const column = (name: RegExp) => unit.header.findIndex((h) => name.test(h.toLowerCase()));
    const [nameAt, typeAt, defaultAt, requiredAt, descriptionAt] = [/^(input|name|parameter|variable)/, /^type/, /^default/, /^required/, /^(description|meaning)/].map(column);
    for (const row of unit.rows) {
      const name = row[nameAt === -1 ? 0 : nameAt]?.trim() ?? '';
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
        unmapped.add(where, `input "${name}" is not a valid input name (lowercase letters, digits, _)`);
        continue;
      }
      const type = typeAt >= 0 && INPUT_TYPES.has(row[typeAt]?.trim()) ? (row[typeAt].trim() as InputDraft['type']) : 'string';
      const def = defaultAt >= 0 ? row[defaultAt]?.trim() : '';
      const description = descriptionAt >= 0 ? row[descriptionAt]?.trim() : '';
      inputs[name] = {
        type,
        ...(description ? { description } : {}),
        ...(def && def !== '—' && def !== '-' ? { default: typedDefault(def, type) } : {}),
        ...(requiredAt >= 0 && /^no$/i.test(row[requiredAt]?.trim() ?? '') ? { required: false } : {}),
      };
    }
  }
  return inputs;
}

function typedDefault(text: string, type: InputDraft['type']): string | number | boolean {
  if ((type === 'integer' || type === 'number') && Number.isFinite(Number(text))) return Number(text);
  if (type === 'boolean' && /^(true|false)$/i.test(text)) return /^true$/i.test(text);
  return text;
}
