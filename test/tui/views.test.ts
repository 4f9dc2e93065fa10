// The pure pieces the views are built from: fitting text to a width,
// wrapping, highlighting, markdown, tables and the summary left behind.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { beside, clipLines, fit, lineText, lineWidth, seg, wrapLine } from '../../src/tui/line.js';
import { columns } from '../../src/present/width.js';
import { clean, oneLine, pad, truncate, wrap } from '../../src/tui/text.js';
import { clock, duration } from '../../src/present/duration.js';
import { highlightSql } from '../../src/tui/highlight.js';
import { markdownLines, monitorLines, outputLineLines, outputLines, outputRows, tableLines } from '../../src/tui/views/detail.js';
import type { OutputLine } from '../../src/engine/state.js';
import { seededRandom } from '../support/random.js';
import { summaryLines } from '../../src/tui/views/summary.js';
import { headerLines, progressText } from '../../src/tui/views/header.js';
import { packKeys } from '../../src/tui/views/prompt.js';
import { typed } from '../../src/tui/fields.js';
import { atSteps, events, makeRunbook, NOW } from './helpers.js';

describe('text', () => {
  test('escape sequences and control characters never reach the screen', () => {
    assert.equal(clean('a\u001B[31mred\u001B[0m\u001B]0;title\u0007b\tc\rd\u0000'), 'a\\u001b[31mred\\u001b[0m\\u001b]0;title\\u0007b  cd\\u0000');
  });
  test('truncate, wrap, oneLine', () => {
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('abc', 4), 'abc');
    assert.deepEqual(wrap('the quick brown fox jumps', 10), ['the quick', 'brown fox', 'jumps']);
    assert.deepEqual(wrap('abcdefghijkl', 5), ['abcde', 'fghij', 'kl']);
    assert.equal(oneLine('SELECT *\n  FROM t\n', 12), 'SELECT * FR…');
  });
  test('clocks and ages', () => {
    assert.equal(clock(65_000), '1:05');
    assert.equal(clock(3_725_000), '1:02:05');
    assert.equal(clock(-5), '0:00');
    assert.equal(duration(5_000), '5 s');
    assert.equal(duration(312_000), '5 min 12 s');
    assert.equal(duration(7_500_000), '2 h 5 min');
  });
  test('typed text: erase characters that arrive with it still erase', () => {
    assert.equal(typed('3', '\u007f5'), '5');
    assert.equal(typed('ab', '\b\bxy\u0001'), 'xy');
  });
});

describe('lines', () => {
  test('fit cuts with an ellipsis and pads on request', () => {
    const line = [seg('abc', { bold: true }), seg('defgh')];
    assert.equal(lineText(fit(line, 5)), 'abcd…');
    assert.equal(lineText(fit(line, 8)), 'abcdefgh');
    assert.equal(lineText(fit(line, 10, true)), 'abcdefgh  ');
    assert.equal(fit(line, 5)[0].bold, true, 'styles survive the cut');
  });
  test('wrapLine breaks at spaces, keeps styles and every character', () => {
    const line = [seg('SELECT ', { bold: true }), seg('aaaa bbbb cccc dddd')];
    const pieces = wrapLine(line, 12);
    assert.ok(pieces.every((p) => lineWidth(p) <= 12));
    assert.equal(pieces.map(lineText).join(''), 'SELECT aaaa bbbb cccc dddd');
    assert.equal(pieces[0][0].bold, true);
  });
  test('clipLines marks what was cut', () => {
    const lines = [[seg('one')], [seg('two')], [seg('three')]];
    assert.equal(clipLines(lines, 3, 10).length, 3);
    const clipped = clipLines(lines, 2, 10);
    assert.equal(lineText(clipped[1]), 'two…');
  });
  test('key hints pack onto as few lines as fit', () => {
    const lines = packKeys([{ key: 'r', label: 'retry' }, { key: 't', label: 'troubleshoot' }, { key: 'q', label: 'quit' }], 26);
    assert.deepEqual(lines.map(lineText), ['[r] retry', '[t] troubleshoot  [q] quit']);
  });
});

describe('display width: wide and combining characters', () => {
  // 東京 is two characters and four columns; é as e + U+0301 is two code units and one column; 👍🏽 is four code units, two columns.
  const cols = (t: string) => columns(t);
  test('text is measured, cut and padded in columns', () => {
    assert.equal(cols('東京'), 4);
    assert.equal(cols('caf\u0065\u0301'), 4);
    assert.equal(cols('👍🏽'), 2);
    assert.equal(truncate('東京タワー', 5), '東京…');
    assert.equal(cols(truncate('東京タワー', 6)), 5, 'a wide character that does not fit is left out, not split');
    assert.equal(truncate('caf\u0065\u0301s', 4), 'caf…');
    assert.equal(cols(pad('東京', 6)), 6);
    assert.equal(oneLine('東京 タワー', 5), '東京…');
    for (const l of wrap('東京タワー 大阪城 名古屋城', 8)) assert.ok(cols(l) <= 8, l);
    assert.deepEqual(wrap('東京タワー', 1).join(''), '東京タワー', 'too narrow for a wide character: one per line, nothing lost');
  });
  test('lines are fitted and wrapped in columns, and a side-by-side pane lines up', () => {
    assert.equal(lineWidth([seg('名前'), seg('ab')]), 6);
    assert.equal(lineText(fit([seg('名前は東京')], 7)), '名前は…');
    assert.equal(lineWidth(fit([seg('名前は東京')], 8, true)), 8);
    const left = [[seg('東京')], [seg('ab')]].map((l) => lineText(beside(l, [seg('x')], 6)));
    assert.equal(left[0].indexOf('│') + 2, left[1].indexOf('│'), 'the separator sits at the same column: 東京 is 4 columns, ab is 2');
    const pieces = wrapLine([seg('東京タワー 大阪城 名古屋城 ', { bold: true }), seg('abc def')], 9);
    assert.ok(pieces.every((p) => lineWidth(p) <= 9), pieces.map(lineText).join('|'));
    assert.equal(pieces.map(lineText).join(''), '東京タワー 大阪城 名古屋城 abc def');
  });
  test('a result table of wide values stays aligned and within the width', () => {
    const lines = tableLines({ columns: ['id', '都市'], rows: [['1', '東京'], ['22', 'Paris'], ['3', '名古屋市中区丸の内三丁目']], total: 3 }, 40).map(lineText);
    const bars = lines.slice(0, 5).map((l) => cols(l.slice(0, l.indexOf(l.includes('│') ? '│' : '┼'))));
    assert.ok(bars.every((b) => b === bars[0]), `separators at ${bars.join(', ')}:\n${lines.join('\n')}`);
    assert.ok(lines.every((l) => cols(l) <= 40), lines.join('\n'));
  });
  test('long lines without a space wrap whole, wide or narrow (each cut looks back over its own piece only)', () => {
    const wide = '東京'.repeat(50_000);
    assert.equal(wrapLine([seg(wide)], 80).length, Math.ceil((wide.length * 2) / 80));
    const narrow = 'x'.repeat(400_000);
    assert.equal(wrapLine([seg(narrow)], 80).length, 5_000);
  });
});

describe('SQL highlighting', () => {
  test('keywords, strings, numbers, comments and placeholders, across lines', () => {
    const lines = highlightSql("SELECT 'it''s', 42 -- note\nFROM t /* a\nb */ WHERE x = {{ inputs.id }} AND y = $$body$$");
    const tones = (i: number) => lines[i].map((s) => [s.text, s.tone ?? '']);
    assert.deepEqual(tones(0), [['SELECT', 'keyword'], [' ', ''], ["'it''s'", 'string'], [', ', ''], ['42', 'number'], [' ', ''], ['-- note', 'comment']]);
    assert.deepEqual(tones(1).slice(-2), [['/*', 'comment'], [' a', 'comment']]);
    assert.deepEqual(tones(2)[0], ['b */', 'comment']);
    assert.ok(lines[2].some((s) => s.text === '{{ inputs.id }}' && s.tone === 'accent'));
    assert.deepEqual(tones(2).slice(-2), [['$$', 'string'], ['body$$', 'string']]);
    assert.equal(lines.map(lineText).join('\n'), "SELECT 'it''s', 42 -- note\nFROM t /* a\nb */ WHERE x = {{ inputs.id }} AND y = $$body$$", 'the text is unchanged');
  });
  test('identifiers that contain keywords or digits are left alone', () => {
    assert.deepEqual(highlightSql('select_count1')[0].map((s) => s.tone), [undefined]);
  });
});

describe('markdown', () => {
  test('paragraphs re-flow, headings are bold, lists hang, code is kept', () => {
    const md = '## Why\nThe query scans\nthe whole table.\n\n- builds **concurrently**\n  and slowly\n- takes `a lock`\n\n```\nSELECT  1;\n```';
    const lines = markdownLines(md, 30);
    assert.deepEqual(lines.map(lineText), ['Why', 'The query scans the whole', 'table.', '', '- builds concurrently and', '  slowly', '- takes a lock', '', '  SELECT  1;']);
    assert.equal(lines[0][0].bold, true);
  });
});

describe('tables, the monitor, the header and the summary', () => {
  test('a result table: aligned, bounded columns, the exact total', () => {
    const lines = tableLines({ columns: ['id', 'name'], rows: [['1', 'a very long name indeed that goes on'], ['22', 'NULL']], total: 1_000_000 }, 40).map(lineText);
    // psql's layout: the names centred over their columns, the footer psql's with what was left out.
    assert.match(lines[0], /^ {2}id │ +name +$/);
    assert.match(lines[3], /22 │ NULL/);
    assert.equal(lines[4], '  (1000000 rows; the first 2 shown)');
    assert.ok(lines.every((l) => l.length <= 40));
  });

  test('the monitor: a progress bar, an unknown total, and a lock holder', () => {
    const lines = monitorLines(
      {
        at: 0,
        pid: 1,
        state: 'active',
        waitEventType: null,
        waitEvent: null,
        runningMs: 5000,
        waitingFor: null,
        blockers: [{ pid: 9, user: 'bob', application: null, state: 'active', query: 'VACUUM FULL t', xactAgeMs: null, queryAgeMs: 61_000 }],
        progress: [
          { command: 'VACUUM', phase: 'scanning heap', relation: 't', done: 250, total: 1000, unit: 'blocks' },
          { command: 'COPY FROM', phase: null, relation: 't', done: 12345, total: null, unit: 'tuples' },
        ],
      },
      80,
      0,
    ).map(lineText);
    assert.match(lines[0], /^\[.*\]  25% scanning heap · 250\/1,000 blocks {2}VACUUM on t$/);
    assert.equal(lines[1], 'server: COPY FROM on t  12,345 tuples');
    assert.match(lines[2], /⚠ waiting 0:05 for a lock, held by:/);
    assert.match(lines[3], /pid 9 bob · active for 1 min 1 s: VACUUM FULL t/);
  });

  test('progress reads like the operator counts', () => {
    let ui = atSteps();
    assert.equal(progressText(ui.run), 'step 1 of 4');
    ui = events(ui, { type: 'run_ended', outcome: 'aborted', at: NOW });
    assert.match(lineText(headerLines(ui, 80)[1]), /✗ ABORTED · 0\/4 steps$/);
  });

  test('the summary left in the terminal names every item and why it stopped', () => {
    let ui = atSteps();
    ui = events(ui, { type: 'item_started', key: 'step:indexes', at: NOW }, { type: 'item_finished', key: 'step:indexes', verdicts: [{ label: 'plan', ok: false, expected: 'Index Scan', actual: 'Seq Scan' }], durationMs: 5, at: NOW });
    ui = events(ui, { type: 'run_ended', outcome: 'failed', reason: 'stopped at step "Create the composite indexes"', at: NOW + 90_000 });
    const lines = summaryLines(makeRunbook(), ui.run);
    assert.equal(lines[0], 'Phase 3 — performance indexes: run failed in 1:30 — stopped at step "Create the composite indexes"');
    assert.match(lines[1], /target postgres@127\.0\.0\.1:5432\/appdb · PostgreSQL 15\.4 · primary/);
    assert.ok(lines.includes('  ✗ step         Create the composite indexes — plan: expected Index Scan, actual Seq Scan'));
    assert.ok(lines.includes('  ○ checklist    Dashboards are green'));
  });
});

describe('a step streaming output', () => {
  const ui = events(atSteps(), { type: 'item_started', key: 'step:indexes', at: NOW });
  const notices = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ type: 'notice' as const, severity: 'NOTICE', message: `notice number ${from + i} of a storm ${'that wraps '.repeat(i % 3)}` }));
  const withOutput = (u: typeof ui, from: number, n: number) => events(u, { type: 'item_output', key: 'step:indexes', events: notices(from, n), at: NOW });
  const item = (u: typeof ui) => u.run.items.find((i) => i.key === 'step:indexes')!;

  test('each kept line is drawn once per width: the next frame reuses it, and draws it again for a new width', () => {
    const first = withOutput(ui, 0, 40);
    const next = withOutput(first, 40, 40);
    const a = outputLines(item(first), 60);
    const b = outputLines(item(next), 60);
    assert.equal(b[0], a[0], 'an unchanged line is the one already drawn');
    assert.equal(b.length > a.length, true);
    const c = outputLines(item(next), 50);
    assert.notEqual(c[0], a[0], 'another width draws it again');
  });

  test('what is reused is what drawing afresh gives, at every width', () => {
    const next = withOutput(withOutput(ui, 0, 40), 40, 40);
    for (const width of [60, 30, 60]) {
      const reused = outputLines(item(next), width);
      const fresh = outputLines({ ...item(next), output: item(next).output.map((o) => ({ ...o })) }, width);
      assert.deepEqual(reused, fresh);
    }
  });

  test('how many rows each line takes, told without drawing it, is what drawing it gives; a window shows what the whole list shows (seeded)', () => {
    const random = seededRandom(1217);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    // Texts of every kind a row count could get wrong: exactly as wide as the row, one column more, wide characters,
    // tabs (two columns each), escapes shown escaped, line breaks, very long ones (cut to 5 rows and a marker).
    const text = (): string => {
      const n = Math.floor(random() * 90);
      return Array.from({ length: n }, () => pick(['a', 'b', ' ', 'x', '東', 'é', '\t', '\u001b[2J', '\n', '\r', '🙂', '-'])).join('') + (random() < 0.1 ? 'y'.repeat(700) : '');
    };
    const line = (): OutputLine => {
      switch (pick(['notice', 'notice', 'output', 'info', 'statement_started', 'statement_finished', 'rows'] as const)) {
        case 'notice':
          return { type: 'notice', severity: pick(['NOTICE', 'WARNING']), message: text(), ...(random() < 0.3 ? { detail: text() } : {}), ...(random() < 0.2 ? { hint: text() } : {}) };
        case 'output':
          return { type: 'output', stream: pick(['stdout', 'stderr'] as const), line: text() };
        case 'info':
          return { type: 'info', message: text() };
        case 'statement_started':
          return { type: 'statement_started', index: 0, total: 1, text: text(), line: 1 };
        case 'statement_finished':
          return { type: 'statement_finished', index: 0, command: 'SELECT', rowCount: Math.floor(random() * 5), durationMs: 3 };
        case 'rows':
          return { type: 'rows', columns: ['n', 'note'], rows: [[1, text()], [2, null]], total: 2, truncated: false };
      }
    };
    const base = item(ui);
    for (let round = 0; round < 40; round++) {
      const output = Array.from({ length: 1 + Math.floor(random() * 60) }, line);
      const dropped = random() < 0.5 ? Math.floor(random() * 100_000) : 0;
      for (const width of [12, 30, 61, 80, 117]) {
        // Drawn afresh, line by line: the reference the measured rows must agree with.
        const drawn = [...(dropped > 0 ? [outputLines({ ...base, output: [], outputDropped: dropped }, width)[0].map((s) => ({ ...s, text: s.text.replace('newest 0', `newest ${output.length}`) }))] : []), ...output.flatMap((o) => outputLineLines(o, width))];
        const rows = outputRows({ ...base, output: output.map((o) => ({ ...o })), outputDropped: dropped }, width);
        assert.equal(rows.length, drawn.length, `round ${round}, width ${width}: the row count`);
        const top = Math.floor(random() * drawn.length);
        const height = 1 + Math.floor(random() * 30);
        assert.deepEqual(rows.slice(top, top + height), drawn.slice(top, top + height), `round ${round}, width ${width}: rows ${top}+${height}`);
        assert.deepEqual(rows.slice(), drawn);
      }
    }
  });
});
