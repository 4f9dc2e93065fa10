// Markdown runbook document → runbook YAML draft. The document is parsed as
// Markdown (marked's lexer) into sections; each section is read by what its
// heading says it is: a numbered step, prerequisites, troubleshooting, a
// rollback procedure, a checklist. Whatever cannot be mapped is listed in
// `unmapped`, with the heading it was under, for the author to finish.
import { basename, extname } from 'node:path';
import { Document, isMap, isScalar } from 'yaml';
import { runbook as runbookSchema, type RunbookData } from '../runbook/schema.js';
import { firstLine } from './commands.js';
import { Unmapped, type RunbookDraft, type StepDraft } from './import-context.js';
import { readChecklist, readInputs, readPrerequisites, readTroubleshooting } from './import-parts.js';
import { readProcedures } from './import-procedures.js';
import { numberedStepTitle, readStep } from './import-step.js';
import { repairMojibake } from './mojibake.js';
import { parseSections, unitsOf, type Section, type Unit } from './sections.js';
import { IdAllocator, slugify } from './slug.js';
import { loadSqlParser } from './sql-check.js';

export interface ImportOptions {
  /** The runbook id; by default from the document's title. */
  id?: string;
  /** The document's file name, for the id when the document has no title. */
  fileName?: string;
  /**
   * Rewrites each sql_file path. A document names files relative to where its
   * author stood; a runbook names them relative to itself.
   */
  rebaseSqlFile?(path: string): string;
}

export interface ImportResult {
  /** The runbook as YAML, ready to save under runbooks/. */
  yaml: string;
  /** The same runbook as validated by the schema (defaults filled in). */
  runbook: RunbookData;
  /** What could not be mapped, each naming the heading it was under. */
  unmapped: string[];
}

type Kind = 'step' | 'prerequisites' | 'troubleshooting' | 'rollback' | 'checklist' | 'inputs' | 'overview' | 'contents' | 'other';

function kindOf(section: Section): Kind {
  const title = section.title.toLowerCase();
  if (numberedStepTitle(section.title)) return 'step';
  if (/^(prerequisites?|pre-?requisites|requirements|before you (start|begin)|pre-?flight( checks?)?)$/.test(title)) return 'prerequisites';
  if (/^(troubleshooting|common (issues|problems|errors)|known (issues|problems))$/.test(title)) return 'troubleshooting';
  if (/\b(rollback|roll back|revert|recovery)\b/.test(title)) return 'rollback';
  if (/\b(checklist|success criteria|acceptance criteria|sign-?off|definition of done)\b/.test(title)) return 'checklist';
  if (/^(inputs|parameters|variables)$/.test(title)) return 'inputs';
  if (/^(overview|objective|goal|purpose|summary|introduction|about|description)$/.test(title)) return 'overview';
  if (/^(table of contents|contents|toc)$/.test(title)) return 'contents';
  return 'other';
}

/** What the document yields, gathered section by section. */
type Parts = Pick<RunbookDraft, 'summary' | 'risk' | 'estimate' | 'tags' | 'requires' | 'inputs'> &
  Required<Pick<RunbookDraft, 'prerequisites' | 'troubleshooting' | 'procedures' | 'checklist'>> & { steps: StepDraft[] };

class Importer {
  readonly unmapped = new Unmapped();
  readonly draft: Parts = { steps: [], prerequisites: [], troubleshooting: [], procedures: [], checklist: [] };
  title?: string;
  id?: string;
  private readonly stepIds = new IdAllocator();
  private readonly procedureIds = new IdAllocator();
  private readonly troubleshootingIds = new IdAllocator();
  private firstProse?: string;

  read(section: Section, path: string[]): void {
    for (const found of section.children) {
      // Numbered steps nested under, say, "## Prerequisites" are still steps: read them on their own.
      const nested = ['prerequisites', 'checklist', 'inputs', 'overview'].includes(kindOf(found))
        ? found.children.filter((c) => kindOf(c) === 'step')
        : [];
      const child = nested.length > 0 ? { ...found, children: found.children.filter((c) => !nested.includes(c)) } : found;
      const where = [...path, child.title].join(' › ');
      const kind = kindOf(child);
      if (kind === 'step') {
        this.draft.steps.push(readStep(child, numberedStepTitle(child.title) ?? child.title, this.stepIds, this.unmapped, where));
      } else if (kind === 'prerequisites') {
        this.draft.prerequisites.push(...readPrerequisites(child, this.unmapped, where));
      } else if (kind === 'troubleshooting') {
        for (const entry of readTroubleshooting(child, this.unmapped, where)) {
          this.draft.troubleshooting.push({ ...entry, id: this.troubleshootingIds.take(entry.id) });
        }
      } else if (kind === 'rollback') {
        this.draft.procedures.push(...readProcedures(child, this.procedureIds, this.unmapped, where));
      } else if (kind === 'checklist') {
        this.draft.checklist.push(...readChecklist(child, this.unmapped, where));
      } else if (kind === 'inputs') {
        this.draft.inputs = { ...this.draft.inputs, ...readInputs(child, this.unmapped, where) };
      } else if (kind === 'overview') {
        this.readFacts(unitsOf(child, true), true);
      } else if (kind === 'other') {
        if (child.depth === 1 && this.title === undefined) this.title = child.title;
        this.readOther(child, child.depth === 1 ? path : [...path, child.title]);
      }
      if (nested.length > 0) this.read({ ...found, tokens: [], children: nested }, [...path, found.title]);
    }
  }

  /** A section that is none of the known kinds: its facts, its task lists, then its sub-sections. */
  private readOther(section: Section, path: string[]): void {
    const units = unitsOf(section);
    this.readFacts(units, section.depth <= 1);
    const where = path.join(' › ');
    const tasks = units.flatMap((u) => (u.type === 'list' ? u.items.filter((i) => i.task) : []));
    this.draft.checklist.push(...tasks.map((t) => (where ? { title: t.text, group: section.title } : t.text)));
    const code = units.filter((u): u is Extract<Unit, { type: 'code' }> => u.type === 'code');
    if (code.length > 0) {
      this.unmapped.add(where || 'Introduction', `${code.length} code block${code.length > 1 ? 's' : ''} not mapped (first: ${firstLine(code[0].text)})`);
    }
    this.read(section, path);
  }

  /**
   * Risk, estimate and tags, wherever the document states them outside its
   * steps; the summary ("Goal:", or the first sentence) only from its
   * introduction or overview, not from a "Purpose:" deep inside.
   */
  private readFacts(units: Unit[], introduction: boolean): void {
    for (const unit of units) {
      if (unit.type === 'id') this.id ??= unit.id;
      const lines = unit.type === 'line' ? [unit] : unit.type === 'list' ? unit.items : [];
      for (const line of lines) {
        const { label } = line;
        if (!label) {
          if (unit.type === 'line' && introduction) this.firstProse ??= line.text;
          continue;
        }
        if (label.kind === 'risk') this.draft.risk ??= riskLevel(label.value);
        else if (label.kind === 'estimate' && label.value) this.draft.estimate ??= shortDuration(label.value);
        else if (label.kind === 'summary' && label.value && introduction) this.draft.summary ??= label.value;
        else if (label.kind === 'tags' && label.value) this.draft.tags ??= splitList(label.value);
        else if (label.kind === 'requires' && label.value) this.draft.requires ??= splitList(label.value);
      }
    }
  }

  finish(options: ImportOptions): RunbookDraft {
    if (this.draft.steps.length === 0) {
      this.unmapped.add('', 'no numbered step headings ("### Step 1: ...", "### Task 1.1: ...", "#### 1. ...") were found, so the runbook has one placeholder step: write its steps by hand');
      this.draft.steps.push({ id: 'placeholder', title: 'Write the steps of this runbook', confirm: 'The steps of this runbook were written' });
    }
    const name = options.fileName ? basename(options.fileName, extname(options.fileName)) : undefined;
    const title = this.title ?? name ?? 'Imported runbook';
    const id = options.id !== undefined ? slugify(options.id, 'imported-runbook') : (this.id ?? slugify(this.title ?? name ?? '', 'imported-runbook'));
    const d = this.draft;
    return {
      runbook: 1,
      id,
      title,
      ...withoutEmpty({
        summary: d.summary ?? this.firstProse,
        risk: d.risk,
        estimate: d.estimate,
        tags: d.tags,
        requires: d.requires,
        inputs: d.inputs,
        prerequisites: d.prerequisites,
      }),
      steps: d.steps,
      ...withoutEmpty({ troubleshooting: d.troubleshooting, procedures: d.procedures, checklist: d.checklist }),
    };
  }
}

function riskLevel(text: string): 'low' | 'medium' | 'high' | 'critical' | undefined {
  const level = /\b(critical|high|medium|low)\b/i.exec(text);
  return level ? (level[1].toLowerCase() as 'low' | 'medium' | 'high' | 'critical') : undefined;
}

/** "~30 minutes" → "30m", "2-3 hours (first-time), ..." → "2-3h"; anything else as written. */
function shortDuration(text: string): string {
  const plain = text.replace(/^~\s*/, '').split(/\s*[(,]/)[0].trim();
  const m = /^(\d+(?:[.-]\d+)?)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)$/i.exec(plain);
  return m ? `${m[1]}${m[2][0].toLowerCase()}` : plain;
}

function splitList(text: string): string[] {
  return text.split(/\s*,\s*/).map((t) => t.trim()).filter(Boolean);
}

/** Leaves out empty lists and unset values, so the YAML holds only what the document said. */
function withoutEmpty<T extends object>(draft: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(draft).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0)),
  ) as Partial<T>;
}

/** Every sql_file in the draft (steps, rollbacks, fixes, checks, procedures), rewritten in place. */
function rebaseSqlFiles(value: unknown, rebase: (path: string) => string): void {
  if (Array.isArray(value)) value.forEach((v) => rebaseSqlFiles(v, rebase));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const [key, v] of Object.entries(record)) {
      if (key === 'sql_file' && typeof v === 'string') record[key] = rebase(v);
      else rebaseSqlFiles(v, rebase);
    }
  }
}

const SCHEMA_COMMENT = '# yaml-language-server: $schema=../schema/runbook.schema.json';

/**
 * The YAML text: the editor's schema line, `runbook: 1`, then (as comments,
 * so they travel with the file) where it came from and what is left to do.
 */
export function runbookYaml(draft: RunbookDraft, unmapped: string[], source?: string): string {
  const doc = new Document(draft);
  const notes = [`Imported from ${source ?? 'a Markdown document'} by \`runbook import\`.`];
  if (unmapped.length > 0) notes.push('Not mapped, to finish by hand:', ...unmapped.map((u) => `  - ${u}`));
  const idKey = isMap(doc.contents) ? doc.contents.items[1]?.key : undefined;
  if (isScalar(idKey)) idKey.commentBefore = notes.map((n) => ` ${n}`).join('\n');
  return `${SCHEMA_COMMENT}\n${doc.toString({ lineWidth: 0 })}`;
}

export async function importMarkdown(markdown: string, options: ImportOptions = {}): Promise<ImportResult> {
  await loadSqlParser();
  const importer = new Importer();
  importer.read(parseSections(repairMojibake(markdown.replace(/\r\n?/g, '\n'))), []);
  const draft = importer.finish(options);
  if (options.rebaseSqlFile) rebaseSqlFiles(draft, options.rebaseSqlFile);
  const unmapped = importer.unmapped.items;
  const checked = runbookSchema.safeParse(draft);
  if (!checked.success) {
    // A bug in the importer, not in the document: say what the schema refused.
    const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`the imported runbook does not pass the runbook schema (${issues})`);
  }
  return { yaml: runbookYaml(draft, unmapped, options.fileName ? basename(options.fileName) : undefined), runbook: checked.data, unmapped };
}
