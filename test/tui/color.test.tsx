// NO_COLOR: with colors forced on in the terminal library, the screen still
// draws no color when the operator asked for none (bold and inverse remain).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colorWanted, makeTheme } from '../../src/tui/theme.js';

process.env.FORCE_COLOR = '1';
// eslint-disable-next-line no-control-regex
const COLOR_SGR = /\u001B\[(?:3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;|48;)[0-9;]*m/;

async function frame(color: boolean, painted: boolean): Promise<string> {
  const React = (await import('react')).default;
  const { render, cleanup } = await import('ink-testing-library');
  const { App } = await import('../../src/tui/components/App.js');
  const { TuiController } = await import('../../src/tui/controller.js');
  const { atSteps, events, NOW } = await import('./helpers.js');
  let ui = events(atSteps(), { type: 'item_started', key: 'step:indexes', at: NOW }, { type: 'item_finished', key: 'step:indexes', verdicts: [{ label: 'plan', ok: false, expected: 'a', actual: 'b' }], durationMs: 1, at: NOW });
  ui = { ...ui, selected: 'step:indexes' };
  const { Painter } = await import('../../src/tui/paint.js');
  const { paintedTerminal } = await import('./helpers.js');
  const term = paintedTerminal(ui.size.rows);
  const painter = painted ? new Painter(term, makeTheme(color)) : undefined;
  const r = render(React.createElement(App, { controller: new TuiController(ui, { frameMs: 0 }), color, painter }));
  await new Promise((res) => setTimeout(res, 30));
  const out = painted ? term.raw().join('\n') : (r.lastFrame() ?? '');
  cleanup();
  return out;
}

test('NO_COLOR (any non-empty value) and TERM=dumb turn color off', () => {
  assert.equal(colorWanted({}), true);
  assert.equal(colorWanted({ NO_COLOR: '1' }), false);
  assert.equal(colorWanted({ NO_COLOR: '' }), true);
  assert.equal(colorWanted({ TERM: 'dumb' }), false);
  assert.equal(makeTheme(false).colorOf('bad'), undefined);
  assert.equal(makeTheme(true).colorOf('bad'), 'red');
  assert.equal(makeTheme(false).dimOf('muted'), true, 'muted text stays distinct without color');
});

// The run screen is painted (paint.ts); inside the fleet view, Ink draws it.
for (const painted of [true, false]) {
  const how = painted ? 'painted' : 'in Ink';
  test(`${how}, with color: the screen uses color`, async () => {
    assert.match(await frame(true, painted), COLOR_SGR);
  });

  test(`${how}, without color: not one color code, but still bold and inverse`, async () => {
    const out = await frame(false, painted);
    assert.doesNotMatch(out, COLOR_SGR);
    assert.match(out, /\u001B\[1m/, 'bold');
    assert.match(out, /\u001B\[7m/, 'inverse');
    assert.match(out, /✗ FAILED/);
  });
}
