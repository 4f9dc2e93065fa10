// A step's SQL and shell, as the run screen and `runbook show` both draw
// them: highlighted SQL with line numbers in a gutter when there is more than
// one line, a shell script with "$ " (one line) or numbered lines; long lines
// wrap under the code, never under the gutter.
import { padColumns } from '../../present/width.js';
import { highlightSql } from '../highlight.js';
import { seg, wrapLine, type Line } from '../line.js';
import { clean, lines as splitLines } from '../text.js';

export function sqlLines(sql: string, width: number): Line[] {
  const code = highlightSql(sql.replace(/\s+$/, ''));
  const gutter = code.length > 1 ? String(code.length).length : 0;
  const lead = gutter ? gutter + 1 : 2;
  const out: Line[] = [];
  code.forEach((l, i) => {
    const pieces = wrapLine(
      l.map((s) => ({ ...s, text: clean(s.text) })),
      Math.max(10, width - lead),
    );
    pieces.forEach((piece, j) => out.push([gutter && j === 0 ? seg(`${padColumns(String(i + 1), gutter, 'right')} `, { tone: 'muted' }) : seg(' '.repeat(lead)), ...piece]));
  });
  return out;
}

export function shellLines(script: string, width: number): Line[] {
  const rows = splitLines(script.replace(/\s+$/, ''));
  const gutter = rows.length > 1 ? String(rows.length).length + 1 : 2;
  const out: Line[] = [];
  rows.forEach((l, i) => {
    const mark = rows.length > 1 ? seg(`${padColumns(String(i + 1), gutter - 1, 'right')} `, { tone: 'muted' }) : seg('$ ', { tone: 'accent', bold: true });
    wrapLine([seg(l)], Math.max(10, width - gutter)).forEach((piece, j) => out.push([j === 0 ? mark : seg(' '.repeat(gutter)), ...piece]));
  });
  return out;
}
