// Reads one numbered step of a document ("### Step 3: Initialize Schema")
// into a runbook step: its prose becomes `explain`, its code the action, and
// labelled blocks ("Expected output:", "Verification:", "Rollback:") the
// step's expected text, checks and rollback.
import { mergeActions, readCodeBlock, readInlineCode, type CodeReading, type FoundAction } from './commands.js';
import { checksFrom, withoutNumbering, type CheckDraft, type StepDraft, type Unmapped } from './import-context.js';
import { slugify, type IdAllocator } from './slug.js';
import { labelKind, unitsOf, type Label, type Section, type Unit } from './sections.js';

/** Headings that number a step: "Step 1: ...", "Task 1.1: ...", "Migration 001: ...", "1. ...". */
const NUMBERED_HEADING = /^(?:step|task|stage|migration)\s+\d+(?:\.\d+)*\s*(?:[:.)\-–—]\s*|$)(.*)$/i;
const BARE_NUMBER_HEADING = /^\d+(?:\.\d+)*[.)]\s+(.+)$/;

/** The step title when the heading numbers a step, else undefined. */
export function numberedStepTitle(heading: string): string | undefined {
  const m = NUMBERED_HEADING.exec(heading) ?? BARE_NUMBER_HEADING.exec(heading);
  if (!m) return undefined;
  return m[1].trim() || heading;
}

/** Words in a step's text that mean it cannot be undone: say so loudly. */
const IRREVERSIBLE = /\b(permanent(ly)?|irreversible|cannot be (undone|rolled back|reverted))\b/i;

interface Pending {
  label: Label;
  markdown: string;
}

export function readStep(section: Section, title: string, ids: IdAllocator, unmapped: Unmapped, where: string): StepDraft {
  const explain: string[] = [];
  const expected: string[] = [];
  const verify: CheckDraft[] = [];
  const rollback: FoundAction[] = [];
  const actions: { found: FoundAction[]; markdown: string }[] = [];
  const runActions: FoundAction[] = [];
  let id: string | undefined;
  let confirm: string | undefined;
  let connection: string | undefined;
  let pending: Pending | undefined;
  let under: Label | undefined;
  const note = (reading: CodeReading | undefined) => unmapped.addAll(where, reading);

  /** A label that introduced nothing we consumed is prose after all. */
  const dropPending = () => {
    if (pending?.label.kind === 'verify' && pending.label.value) {
      const [checkTitle, confirmText] = splitExpects(pending.label.value);
      if (confirmText) verify.push({ title: checkTitle, confirm: confirmText });
    } else if (pending && !['ignored', 'contents', 'run'].includes(pending.label.kind)) {
      explain.push(pending.markdown);
    }
    pending = undefined;
  };

  for (const unit of unitsOf(section, true)) {
    if (unit.type !== 'code') dropPending();
    switch (unit.type) {
      case 'id':
        id ??= unit.id;
        break;
      case 'heading': {
        // "#### Verification" inside a step labels every block under it, until the next sub-heading.
        const kind = labelKind(unit.text);
        under = ['expected', 'verify', 'rollback'].includes(kind) ? { kind, name: unit.text, value: '' } : undefined;
        if (!under) explain.push(`**${unit.text}**`);
        break;
      }
      case 'line': {
        const label = unit.label;
        if (!label) explain.push(unit.markdown);
        else if (label.kind === 'expected' && label.value) expected.push(label.value);
        else if (label.kind === 'rollback' && label.code !== undefined) {
          const reading = readInlineCode(label.code);
          rollback.push(...reading.actions);
          note(reading);
        } else if (label.kind === 'confirm' && label.value) confirm = label.value;
        else if (label.kind === 'connection' && /^[a-z0-9][a-z0-9_-]*$/.test(label.value)) connection = label.value;
        else if (label.kind === 'ignored' && label.value) break;
        else if (label.value && label.kind !== 'verify') explain.push(unit.markdown);
        else pending = { label, markdown: unit.markdown };
        break;
      }
      case 'code':
        readStepCode(unit, meaningful(pending?.label) ?? under ?? pending?.label, {
          expected: (text) => expected.push(text),
          rollback: (reading) => (rollback.push(...reading.actions), note(reading)),
          verify: (reading, label) => (verify.push(...checksFrom(reading.actions, checkTitle(label, title))), note(reading)),
          run: (reading) => (runActions.push(...reading.actions), note(reading)),
          action: (reading) => (actions.push({ found: reading.actions, markdown: unit.markdown }), note(reading)),
          problems: note,
          prose: () => explain.push(...(pending ? [pending.markdown] : []), unit.markdown),
        });
        pending = undefined;
        break;
      default:
        explain.push(unit.markdown);
    }
  }
  dropPending();

  // An exported document marks its action "Run:"; code elsewhere in it is prose.
  const chosen = runActions.length > 0 ? runActions : actions.flatMap((a) => a.found);
  if (runActions.length > 0) explain.push(...actions.map((a) => a.markdown));
  const merged = mergeActions(chosen);
  if (merged.note) unmapped.add(where, merged.note);
  if (!merged.action && confirm === undefined) {
    confirm = `Done: ${title}`;
    unmapped.add(where, 'no command to run was found, so it became a manual step to confirm; add sql:, sql_file: or shell: if it can run');
  }
  const rollbackAction = mergeActions(rollback);
  if (rollbackAction.note) unmapped.add(where, `rollback: ${rollbackAction.note}`);

  const explainText = explain.join('\n\n').trim();
  return {
    id: ids.take(id ?? slugify(title, 'step')),
    title,
    ...(explainText ? { explain: explainText } : {}),
    ...(merged.action ?? {}),
    ...(confirm !== undefined ? { confirm } : {}),
    ...(connection ? { connection } : {}),
    ...(expected.length > 0 ? { expected: expected.join('\n\n') } : {}),
    ...(verify.length > 0 ? { verify } : {}),
    ...(rollbackAction.action ? { rollback: rollbackAction.action } : {}),
    ...(IRREVERSIBLE.test(explainText) ? { irreversible: true } : {}),
  };
}

interface CodeHandlers {
  expected(text: string): void;
  rollback(reading: CodeReading): void;
  verify(reading: CodeReading, label: Label): void;
  run(reading: CodeReading): void;
  action(reading: CodeReading): void;
  problems(reading: CodeReading): void;
  prose(): void;
}

/** Sends a code block where its label says it belongs. */
function readStepCode(unit: Extract<Unit, { type: 'code' }>, label: Label | undefined, to: CodeHandlers): void {
  const kind = label?.kind;
  if (kind === 'expected') return to.expected(unit.text);
  if (kind === 'contents' || kind === 'ignored') return; // the exporter's copy of a sql_file, a speed-up's queries
  const reading = readCodeBlock(unit.lang, unit.text);
  if (!reading || reading.actions.length === 0) {
    // Not runnable (Python, a config file, a list in a fence): the learner still reads it.
    if (reading) to.problems(reading);
    return to.prose();
  }
  if (kind === 'rollback') return to.rollback(reading);
  if (kind === 'verify' && label) return to.verify(reading, label);
  if (kind === 'run') return to.run(reading);
  return to.action(reading);
}

/** A label that says where a block belongs; "Run this:" only introduces it. */
function meaningful(label: Label | undefined): Label | undefined {
  return label && label.kind !== 'other' && label.kind !== 'command' ? label : undefined;
}

/** "Title — expects: row count = 0" → ["Title", undefined]; "Title — confirm: text" → ["Title", "text"]. */
function splitExpects(value: string): [string, string | undefined] {
  const confirm = /\s+[—-]+\s+confirm:\s*(.*)$/.exec(value);
  if (confirm) return [value.slice(0, confirm.index).trim(), confirm[1].trim()];
  return [value.replace(/\s+[—-]+\s+expects?:.*$/, '').trim(), undefined];
}

function checkTitle(label: Label, stepTitle: string): string {
  if (label.value) return splitExpects(label.value)[0];
  const name = withoutNumbering(label.name);
  return label.kind === 'verify' ? `Verify: ${stepTitle}` : name;
}
