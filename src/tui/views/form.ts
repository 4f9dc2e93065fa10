// The inputs form, before the first step: every input with its value (the
// default filled in), its type and description, and what is wrong with it —
// checked as it is typed, with the rules the run itself applies.
import { fit, lineWidth, plain, seg, type Line } from '../line.js';
import { fieldSegs } from './prompt.js';
import type { InputField } from '../fields.js';
import type { Prompt } from '../state.js';
import { oneLine, wrap } from '../text.js';
import { columns, padColumns, tailColumns } from '../../present/width.js';
import { valueWords } from '../../present/value.js';

function typeText(f: InputField): string {
  const s = f.spec;
  const parts: string[] = [s.type];
  if (s.choices) parts.push(`one of ${s.choices.join(', ')}`);
  if (s.min !== undefined) parts.push(`≥ ${s.min}`);
  if (s.max !== undefined) parts.push(`≤ ${s.max}`);
  if (s.default !== undefined && !s.secret) parts.push(`default ${valueWords(s.default)}`);
  if (!s.required) parts.push('optional');
  if (s.secret) parts.push('secret');
  return parts.join(' · ');
}

/** At most `max` lines, the last one marked when text was cut. */
function clip(lines: string[], max: number): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max - 1), `${lines[max - 1].replace(/.$/, '')}…`];
}

export function formLines(p: Extract<Prompt, { kind: 'inputs' }>, width: number, height: number): Line[] {
  const head: Line[] = [plain('Inputs — Enter on the last one starts the run', { bold: true })];
  for (const problem of p.problems) head.push([seg('✗ ', { tone: 'bad', bold: true }), seg(oneLine(problem), { tone: 'bad' })]);
  head.push([]);
  const nameWidth = Math.min(24, Math.max(6, ...p.fields.map((f) => f.name.length)) + 2);
  const valueWidth = Math.max(8, Math.min(40, width - nameWidth - 6));
  const blocks: Line[][] = p.fields.map((f, i) => {
    const focused = i === p.focus;
    const shown = f.spec.secret ? '•'.repeat(f.value.length) : f.value;
    // What is typed last stays in view.
    const visible = columns(shown) >= valueWidth ? `…${tailColumns(shown, valueWidth - 2)}` : shown;
    const box: Line = focused ? fieldSegs(f.value, f.cursor, valueWidth, !!f.spec.secret) : [seg(visible, { underline: true })];
    const lines: Line[] = [
      [
        seg(focused ? '› ' : '  ', { tone: 'accent', bold: true }),
        seg(padColumns(f.name, nameWidth), { bold: focused }),
        ...box,
        seg(' '.repeat(Math.max(0, valueWidth - lineWidth(box))), { underline: true }),
        seg(f.problem ? '  ✗' : '  ✓', { tone: f.problem ? 'bad' : 'ok', bold: true }),
      ],
      [seg(' '.repeat(nameWidth + 2)), seg(typeText(f), { tone: 'muted' })],
      ...(f.spec.description ? clip(wrap(oneLine(f.spec.description), Math.max(10, width - nameWidth - 2)), 4).map((l) => [seg(' '.repeat(nameWidth + 2)), seg(l, { tone: 'muted' })]) : []),
    ];
    if (f.problem) lines.push([seg(' '.repeat(nameWidth + 2)), seg(oneLine(f.problem), { tone: 'bad' })]);
    return lines;
  });
  // Keep the focused field in sight.
  const room = Math.max(1, height - head.length);
  let start = 0;
  let used = 0;
  for (let i = p.focus; i >= 0; i--) {
    used += blocks[i].length;
    if (used > room) break;
    start = i;
  }
  const body: Line[] = [];
  if (start > 0) body.push(plain(`  ↑ ${start} more above`, { tone: 'muted' }));
  for (let i = start; i < blocks.length && body.length + blocks[i].length <= room; i++) body.push(...blocks[i]);
  return [...head, ...body].slice(0, height).map((l) => fit(l, width));
}
