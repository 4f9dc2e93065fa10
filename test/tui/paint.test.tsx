// The painter draws the run screen's rows on the terminal: the same text as
// the rows (and as Ink draws them inside the fleet view), only the rows that
// changed, styles as SGR codes, and nothing a runbook's text could use to move
// the cursor.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import React from 'react';
import { cleanup, render } from 'ink-testing-library';
import { App } from '../../src/tui/components/App.js';
import { TuiController } from '../../src/tui/controller.js';
import { plain, seg } from '../../src/tui/line.js';
import { lineAnsi, Painter } from '../../src/tui/paint.js';
import { makeTheme } from '../../src/tui/theme.js';
import type { UiState } from '../../src/tui/state.js';
import { screenLines } from '../../src/tui/views/screen.js';
import { atSteps, events, makeUi, NOW, paintedTerminal, stripAnsi } from './helpers.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

afterEach(() => cleanup());

describe('a row as terminal text', () => {
  test('styles become SGR codes, reset after each styled segment; plain text has none', () => {
    const line = [seg('ok ', { tone: 'ok', bold: true }), seg('plain '), seg('sel', { inverse: true, underline: true }), seg('dim', { dim: true })];
    assert.equal(lineAnsi(line, makeTheme(true)), '\u001B[1m\u001B[32mok \u001B[0mplain \u001B[4m\u001B[7msel\u001B[0m\u001B[2mdim\u001B[0m');
  });
  test('without color: no color code, bold and inverse stay, muted text is dimmed', () => {
    const out = lineAnsi([seg('✗ FAILED', { tone: 'bad', bold: true, inverse: true }), seg(' note', { tone: 'muted' })], makeTheme(false));
    assert.equal(out, '\u001B[1m\u001B[7m✗ FAILED\u001B[0m\u001B[2m note\u001B[0m');
  });
  test('control characters in the text are shown escaped, never sent', () => {
    const out = lineAnsi(plain('a\u001B[2Jb\rc\nd\u0007'), makeTheme(false));
    assert.doesNotMatch(out, /[\u0000-\u001F]/);
    assert.match(out, /^a.*b.*c d/);
  });
});

describe('the painter', () => {
  test('the first frame clears the screen and draws every row; an unchanged frame writes nothing; a change rewrites that row only', () => {
    const term = paintedTerminal(3);
    const p = new Painter(term, makeTheme(false));
    p.paint([plain('one'), plain('two'), plain('three')]);
    assert.equal(term.screen(), 'one\ntwo\nthree');
    assert.match(term.writes[0], /\u001B\[2J/);
    assert.match(term.writes[0], /^\u001B\[\?2026h.*\u001B\[\?2026l$/s, 'a frame is one synchronized update');
    p.paint([plain('one'), plain('two'), plain('three')]);
    assert.equal(term.writes.length, 1, 'nothing changed, nothing written');
    p.paint([plain('one'), plain('2'), plain('three')]);
    assert.equal(term.writes.length, 2);
    assert.doesNotMatch(term.writes[1], /\u001B\[2J|one|three/);
    assert.match(term.writes[1], /\u001B\[2;1H2\u001B\[K/);
    assert.equal(term.screen(), 'one\n2\nthree');
  });
  test('a new number of rows (a resize), or invalidate(), draws the whole screen again', () => {
    const term = paintedTerminal(3);
    const p = new Painter(term, makeTheme(false));
    p.paint([plain('a'), plain('b')]);
    p.paint([plain('a'), plain('b'), plain('c')]);
    assert.match(term.writes[1], /\u001B\[2J.*a.*b.*c/s);
    p.invalidate();
    p.paint([plain('a'), plain('b'), plain('c')]);
    assert.match(term.writes[2], /\u001B\[2J.*a.*b.*c/s);
  });
});

describe('the run screen painted', () => {
  const states: Array<[string, UiState]> = [
    ['at the steps, 80×24', atSteps()],
    ['a running step with output, 120×40', events(atSteps(makeUi(undefined, { columns: 120, rows: 40 })), { type: 'item_started', key: 'step:indexes', at: NOW }, { type: 'item_output', key: 'step:indexes', events: Array.from({ length: 60 }, (_, i) => ({ type: 'notice' as const, severity: 'NOTICE', message: `notice ${i}` })), at: NOW })],
  ];
  for (const [name, ui] of states) {
    test(`${name}: the painter shows what Ink shows for the same rows`, async () => {
      const term = paintedTerminal(ui.size.rows);
      render(<App controller={new TuiController(ui, { frameMs: 0 })} color={false} painter={new Painter(term, makeTheme(false))} />);
      const inInk = render(<App controller={new TuiController(ui, { frameMs: 0 })} color={false} />);
      await tick();
      const ink = stripAnsi(inInk.lastFrame() ?? '')
        .split('\n')
        .map((l) => l.trimEnd())
        .join('\n')
        .replace(/\n+$/, '');
      assert.equal(term.screen(), ink);
      assert.match(term.screen(), ui.run.items.some((i) => i.output.length) ? /NOTICE: notice 59/ : /Create the composite indexes/);
      assert.equal(term.screen().split('\n').length <= screenLines(ui).length, true);
    });
  }
  test('each frame the controller publishes is drawn at once, outside React: a notice shows in the next frame', async () => {
    const ui = events(atSteps(), { type: 'item_started', key: 'step:indexes', at: NOW });
    const ctl = new TuiController(ui, { frameMs: 0 });
    const term = paintedTerminal(ui.size.rows);
    render(<App controller={ctl} color={false} painter={new Painter(term, makeTheme(false))} />);
    await tick();
    const next = events(ui, { type: 'item_output', key: 'step:indexes', events: [{ type: 'notice', severity: 'NOTICE', message: 'the newest notice' }], at: NOW });
    ctl.dispatch({ type: 'run', state: next.run, event: { type: 'item_output', key: 'step:indexes', events: [{ type: 'notice', severity: 'NOTICE', message: 'the newest notice' }], at: NOW } });
    assert.match(term.screen(), /NOTICE: the newest notice/);
  });
});
