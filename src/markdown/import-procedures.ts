// "Rollback" sections become procedures: named scenarios an operator can run
// on their own. A scenario with numbered steps keeps them; otherwise each
// code block is a step, titled by the label above it ("**1. Drop database**:").
import { firstLine, mergeActions, readCodeBlock } from './commands.js';
import { withoutNumbering, type ProcedureDraft, type StepDraft, type Unmapped } from './import-context.js';
import { numberedStepTitle, readStep } from './import-step.js';
import { unitsOf, type Label, type Section } from './sections.js';
import { IdAllocator, slugify } from './slug.js';

/** The procedures in a rollback section: one per sub-heading, or the section itself. */
export function readProcedures(section: Section, ids: IdAllocator, unmapped: Unmapped, where: string): ProcedureDraft[] {
  const scenarios = section.children.length > 0 && !section.children.some((c) => numberedStepTitle(c.title)) ? section.children : [section];
  return scenarios.map((scenario) => readProcedure(scenario, ids, unmapped, scenario === section ? where : `${where} › ${scenario.title}`));
}

function readProcedure(section: Section, ids: IdAllocator, unmapped: Unmapped, where: string): ProcedureDraft {
  const stepIds = new IdAllocator();
  const numbered = section.children.filter((c) => numberedStepTitle(c.title));
  const read = numbered.length > 0 ? readNumbered(section, numbered, stepIds, unmapped, where) : readBlocks(section, stepIds, unmapped, where);
  if (read.steps.length === 0) {
    unmapped.add(where, 'no command found for this procedure, so it has one manual step to confirm; write its steps by hand');
    read.steps.push({ id: stepIds.take(slugify(section.title, 'step')), title: section.title, confirm: `Done: ${section.title}` });
  }
  return {
    id: ids.take(read.id ?? slugify(section.title, 'procedure')),
    title: section.title,
    ...(read.summary ? { summary: read.summary } : {}),
    ...(read.when ? { when: read.when } : {}),
    steps: read.steps,
  };
}

interface ProcedureParts {
  id?: string;
  when?: string;
  summary?: string;
  steps: StepDraft[];
}

/** The introduction (id, "When:", summary) above the first step. */
function readIntroduction(section: Section): Omit<ProcedureParts, 'steps'> {
  const parts: Omit<ProcedureParts, 'steps'> = {};
  for (const unit of unitsOf(section)) {
    if (unit.type === 'id') parts.id ??= unit.id;
    else if (unit.type === 'line' && unit.label?.kind === 'when' && unit.label.value) parts.when ??= unit.label.value;
    else if (unit.type === 'line' && !unit.label) parts.summary ??= unit.text;
    else if (unit.type === 'code') break;
  }
  return parts;
}

function readNumbered(section: Section, numbered: Section[], ids: IdAllocator, unmapped: Unmapped, where: string): ProcedureParts {
  const steps = numbered.map((child) => readStep(child, numberedStepTitle(child.title) ?? child.title, ids, unmapped, `${where} › ${child.title}`));
  return { ...readIntroduction(section), steps };
}

/** Steps from code blocks: the runnable ones run, the others (a config change) are confirmed by hand. */
function readBlocks(section: Section, ids: IdAllocator, unmapped: Unmapped, where: string): ProcedureParts {
  const parts: ProcedureParts = { steps: [] };
  let label: (Label & { markdown: string }) | undefined;
  const last = () => parts.steps[parts.steps.length - 1];
  const addToLast = (markdown: string) => {
    const step = last();
    if (step) step.explain = step.explain ? `${step.explain}\n\n${markdown}` : markdown;
  };
  for (const unit of unitsOf(section, true)) {
    if (unit.type === 'id') parts.id ??= unit.id;
    else if (unit.type === 'line') {
      if (unit.label?.kind === 'when' && unit.label.value) parts.when ??= unit.label.value;
      else if (parts.steps.length === 0 && /^(if|when|in case|use|only)\b/i.test(unit.text)) parts.when ??= unit.text.replace(/:$/, '');
      else if (unit.label && !unit.label.value) {
        if (label) addToLast(label.markdown);
        label = { ...unit.label, markdown: unit.markdown };
      }
      else if (parts.steps.length === 0) parts.summary ??= unit.text;
      else addToLast(unit.markdown);
    } else if (unit.type === 'code') {
      if (label?.kind === 'expected') {
        const step = last();
        if (step) step.expected = unit.text;
      } else {
        readBlockStep(unit.lang, unit.text, unit.markdown, label, section.title, ids, parts.steps, unmapped, where);
      }
      label = undefined;
    } else if (unit.type === 'list' || unit.type === 'table' || unit.type === 'other') {
      // "**What it does:**" + a list: words about the step before it.
      if (label) addToLast(label.markdown);
      label = undefined;
      if (parts.steps.length > 0) addToLast(unit.markdown);
    }
  }
  return parts;
}

function readBlockStep(
  lang: string | undefined, text: string, markdown: string, label: Label | undefined, procedureTitle: string,
  ids: IdAllocator, steps: StepDraft[], unmapped: Unmapped, where: string,
): void {
  const labelTitle = label ? withoutNumbering(label.name) : undefined;
  const reading = readCodeBlock(lang, text);
  unmapped.addAll(where, reading);
  if (!reading || reading.actions.length === 0) {
    if (!labelTitle) {
      if (!reading) unmapped.add(where, `${lang || 'text'} block not mapped (${firstLine(text)})`);
      return;
    }
    // "Update application configuration:" + a Python snippet: a change made by hand.
    steps.push({ id: ids.take(slugify(labelTitle, 'step')), title: labelTitle, explain: markdown, confirm: `Done: ${labelTitle}` });
    return;
  }
  const merged = mergeActions(reading.actions);
  if (merged.note) unmapped.add(where, merged.note);
  const title = labelTitle ?? (reading.actions.length === 1 ? reading.actions[0].title : undefined) ?? procedureTitle;
  steps.push({ id: ids.take(slugify(title, 'step')), title, ...merged.action });
}
