// Reads a Markdown document (with marked's lexer, a CommonMark + GFM parser)
// into a tree of sections, and each section's content into "units": a line
// of text (with its **Label:** if it has one), a code block, a list, a table.
// Importers work on units; they never look at Markdown syntax themselves.
import { Lexer, type Token, type Tokens } from 'marked';

export interface Section {
  /** Heading text without decoration ("📋 Migration Files" → "Migration Files"); "" for the root. */
  title: string;
  /** 0 for the document root, else the heading level. */
  depth: number;
  tokens: Token[];
  children: Section[];
}

/** What a **Label:** at the start of a line announces. */
export type LabelKind =
  | 'expected' | 'verify' | 'rollback' | 'run' | 'command' | 'confirm' | 'contents'
  | 'cause' | 'fix' | 'error' | 'when' | 'connection' | 'ignored'
  | 'risk' | 'estimate' | 'tags' | 'requires' | 'summary' | 'other';

export interface Label {
  kind: LabelKind;
  /** The label as written, without its colon: "Expected Output". */
  name: string;
  /** Plain text after the colon ("" when the label introduces what follows). */
  value: string;
  /** The first `inline code` after the colon, e.g. **Rollback:** `DROP VIEW v;`. */
  code?: string;
}

export type Unit =
  | { type: 'line'; text: string; markdown: string; label?: Label }
  | { type: 'code'; lang?: string; text: string; markdown: string }
  | { type: 'list'; items: ListItem[]; markdown: string }
  | { type: 'table'; header: string[]; rows: string[][]; markdown: string }
  | { type: 'heading'; depth: number; text: string; markdown: string }
  | { type: 'id'; id: string }
  | { type: 'other'; markdown: string };

export interface ListItem {
  text: string;
  markdown: string;
  /** true for GFM task items: - [ ] / - [x]. */
  task: boolean;
  label?: Label;
}

const LABEL_KINDS: [LabelKind, RegExp][] = [
  ['expected', /^(expected( outputs?| results?)?|outputs?|sample output|example output|progress indicators|results?)$/],
  ['verify', /^(verify|verification|validation|validate|validation quer(y|ies)|performance validation|check)$/],
  ['rollback', /^(rollback|roll back|undo|revert)$/],
  ['run', /^run$/],
  ['command', /^commands?$/],
  ['confirm', /^confirm$/],
  ['contents', /^contents? of\b/],
  ['cause', /^(cause|causes|possible causes?|root cause|likely causes?)$/],
  ['fix', /^(fix|fixes|solution|solutions|resolution|workaround|remedy)$/],
  ['error', /^(error|errors|error message|symptoms?)$/],
  ['when', /^(when|use when|when to use)$/],
  ['connection', /^connection$/],
  // Lines the exporter writes for people that carry nothing to import back.
  ['ignored', /^(settings|matches|troubleshooting|expect|baseline( query)?|candidate( query)?|left( query)?|right( query)?|runbook)$/],
  ['risk', /^(risk|risk level)$/],
  ['estimate', /^(estimate|estimated|estimated time|estimated duration|duration)$/],
  ['tags', /^tags$/],
  ['requires', /^requires$/],
  ['summary', /^(goal|objective|purpose|summary)$/],
];

/** Drops emoji and symbols that decorate headings and labels, keeps the words. */
export function undecorated(text: string): string {
  return text.replace(/^[^\p{L}\p{N}`"'(]+/u, '').replace(/\s+/g, ' ').trim();
}

export function labelKind(name: string): LabelKind {
  const key = undecorated(name)
    .toLowerCase()
    .replace(/^\d+[.)]\s*/, '') // "1. Drop database" → "drop database"
    .replace(/\s*\([^)]*\)\s*$/, '') // "Expected Results (Phase 1 achieved)"
    .trim();
  return LABEL_KINDS.find(([, re]) => re.test(key))?.[0] ?? 'other';
}

export function parseSections(markdown: string): Section {
  const root: Section = { title: '', depth: 0, tokens: [], children: [] };
  const open: Section[] = [root];
  for (const token of new Lexer({ gfm: true }).lex(markdown)) {
    if (token.type === 'heading') {
      const heading = token as Tokens.Heading;
      while (open[open.length - 1].depth >= heading.depth) open.pop();
      const section: Section = { title: undecorated(plainText(heading.tokens)), depth: heading.depth, tokens: [], children: [] };
      open[open.length - 1].children.push(section);
      open.push(section);
    } else {
      open[open.length - 1].tokens.push(token);
    }
  }
  return root;
}

/** Every section below this one, depth first. */
export function descendants(section: Section): Section[] {
  return section.children.flatMap((child) => [child, ...descendants(child)]);
}

/**
 * The content of a section as units. With `nested`, sub-sections are included
 * (each announced by a heading unit), so a step keeps its #### sub-parts.
 */
export function unitsOf(section: Section, nested = false): Unit[] {
  const units = section.tokens.flatMap(toUnits);
  if (!nested) return units;
  for (const child of section.children) {
    units.push({ type: 'heading', depth: child.depth, text: child.title, markdown: `${'#'.repeat(child.depth)} ${child.title}` });
    units.push(...unitsOf(child, true));
  }
  return units;
}

const ID_COMMENT = /^<!--\s*id:\s*([a-z0-9][a-z0-9_-]*)\s*-->$/;

function toUnits(token: Token): Unit[] {
  switch (token.type) {
    case 'space':
    case 'hr':
    case 'def':
      return [];
    case 'paragraph':
      return paragraphLines(token as Tokens.Paragraph);
    case 'code': {
      const code = token as Tokens.Code;
      return [{ type: 'code', lang: code.lang || undefined, text: code.text, markdown: code.raw.trimEnd() }];
    }
    case 'list': {
      const list = token as Tokens.List;
      return [{ type: 'list', items: list.items.map(listItem), markdown: list.raw.trimEnd() }];
    }
    case 'table': {
      const table = token as Tokens.Table;
      return [{
        type: 'table',
        header: table.header.map((cell) => plainText(cell.tokens)),
        rows: table.rows.map((row) => row.map((cell) => plainText(cell.tokens))),
        markdown: table.raw.trimEnd(),
      }];
    }
    case 'html': {
      const id = ID_COMMENT.exec((token as Tokens.HTML).text.trim());
      if (id) return [{ type: 'id', id: id[1] }];
      return /^<!--[\s\S]*-->$/.test(token.raw.trim()) ? [] : [{ type: 'other', markdown: token.raw.trimEnd() }];
    }
    default:
      return [{ type: 'other', markdown: token.raw.trimEnd() }];
  }
}

/**
 * Documents put several labelled facts in one paragraph, one per line
 * ("**Cause:** ...\n**Fix:**"), so each line is read on its own.
 */
function paragraphLines(paragraph: Tokens.Paragraph): Unit[] {
  return paragraph.raw
    .trim()
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const markdown = line.trim().replace(/\s{2,}$|\\$/, '');
      const tokens = Lexer.lexInline(markdown, { gfm: true });
      const label = readLabel(tokens);
      const text = plainText(tokens).trim();
      return label ? { type: 'line' as const, text, markdown, label } : { type: 'line' as const, text, markdown };
    });
}

function listItem(item: Tokens.ListItem): ListItem {
  // The item's own text, not its nested lists.
  const own = item.tokens.filter((t) => t.type === 'text' || t.type === 'paragraph');
  const tokens = own.flatMap((t) => ('tokens' in t && t.tokens ? t.tokens : []));
  const label = readLabel(tokens);
  const text = plainText(tokens).trim();
  const base = { text, markdown: item.raw.trimEnd(), task: item.task };
  return label ? { ...base, label } : base;
}

/**
 * A label is bold text ending in a colon at the start of a line
 * ("**Cause:** ...", "**Error**: ...", "**Tables Migrated** (7 core tables):"),
 * or any line that ends in a colon, introducing what follows.
 */
export function readLabel(tokens: Token[]): Label | undefined {
  const first = tokens[0];
  if (first?.type === 'strong') {
    const name = plainText((first as Tokens.Strong).tokens).trim();
    const rest = tokens.slice(1);
    const restText = plainText(rest);
    if (name.endsWith(':')) return makeLabel(name.slice(0, -1), restText, rest);
    const colon = /^\s*(\([^)]*\))?\s*:/.exec(restText);
    if (colon) return makeLabel(name, restText.slice(colon[0].length), rest);
  }
  const text = plainText(tokens).trim();
  if (text.endsWith(':') && text.length > 1) return makeLabel(text.slice(0, -1), '', []);
  // "Cause: ..." without bold: only for names that mean something here.
  const plain = /^([A-Za-z][A-Za-z ]{0,30}):\s+(.+)$/.exec(text);
  if (plain && labelKind(plain[1]) !== 'other' && tokens[0]?.type === 'text') {
    return makeLabel(plain[1], plain[2], tokens);
  }
  return undefined;
}

function makeLabel(name: string, value: string, rest: Token[]): Label {
  const code = rest.find((t) => t.type === 'codespan') as Tokens.Codespan | undefined;
  const label: Label = { kind: labelKind(name), name: undecorated(name.trim()), value: value.trim() };
  return code ? { ...label, code: code.text } : label;
}

/** The text a reader sees: emphasis and code marks removed, links reduced to their text. */
export function plainText(tokens: Token[] | undefined): string {
  return (tokens ?? [])
    .map((t) => {
      if (t.type === 'br') return '\n';
      if (t.type === 'checkbox') return '';
      // Inline "HTML" in procedure documents is nearly always a placeholder like <your_username>: keep it; drop comments.
      if (t.type === 'html') return String(t.text).trimStart().startsWith('<!--') ? '' : String(t.text);
      if ('tokens' in t && t.tokens && t.type !== 'codespan') return plainText(t.tokens);
      return 'text' in t ? String(t.text) : '';
    })
    .join('');
}
