// One footer for every screen (views/footer.ts): each screen says what its
// footer holds as a Footer — keys, a message in their place, a lead before
// them — and the one footerLine draws it, so a key reads `[key] label`
// everywhere and the keys the screens share are worded once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineText } from '../../src/tui/line.js';
import { footerLine, KEYS, packKeys, type Footer } from '../../src/tui/views/footer.js';
import { runFooter } from '../../src/tui/views/chrome.js';
import { showFooter } from '../../src/tui/show/view.js';
import { initialShowState } from '../../src/tui/show/store.js';
import { pickerFooter } from '../../src/tui/picker/view.js';
import { initialPickerState } from '../../src/tui/picker/model.js';
import { fleetFooter } from '../../src/tui/fleet/view.js';
import type { FleetViewState } from '../../src/tui/fleet/model.js';
import { makeRunbook, makeUi } from './helpers.js';

const text = (f: Footer, width = 120) => lineText(footerLine(f, width)).trimEnd();

test('keys, a message in their place, a lead before them; cut to the width', () => {
  const keys = [KEYS.help, { key: 'q', label: 'quit' }, KEYS.items];
  assert.equal(text({ keys }), '[?] keys  [q] quit  [↑↓] items');
  assert.equal(text({ keys, message: { text: 'Stopping…', tone: 'warn' } }), 'Stopping…');
  assert.equal(text({ keys: [{ key: 'q', label: 'stop waiting' }], lead: { text: 'waits for approval · ', tone: 'warn', bold: true } }), 'waits for approval · [q] stop waiting');
  // One line: the keys that do not fit are left out, never wrapped into the body.
  assert.equal(text({ keys }, 20), '[?] keys  [q] quit');
  assert.deepEqual(packKeys(keys, 20).map(lineText), ['[?] keys  [q] quit', '[↑↓] items']);
  const disabled = footerLine({ keys: [{ key: 'b', label: 'nothing to undo', disabled: true }] }, 40);
  assert.ok(disabled.every((s) => s.text.trim() === '' || s.dim), 'a key that does nothing here is dimmed');
});

test('every screen draws its keys through it, the shared keys worded alike', () => {
  const run = text(runFooter(makeUi()));
  const show = text(showFooter(initialShowState(makeRunbook())));
  const picker = text(pickerFooter(initialPickerState([])));
  const fleet = text(fleetFooter({ open: null } as FleetViewState));
  assert.equal(run, '[?] keys  [q] quit  [↑↓] items  [PgUp/PgDn] scroll');
  assert.equal(show, '[↑↓] items  [PgUp/PgDn] scroll  [Home/End] first/last  [?] keys  [q] quit');
  assert.equal(picker, '[↑↓] choose  [Enter] run  [v] read (no database)  [/] filter  [q] quit');
  assert.equal(fleet, '[↑↓] target  [Enter] watch its run (read-only)  [q] leave (the fleet goes on with its workers)');
  for (const shared of [KEYS.items, KEYS.scroll, KEYS.help]) {
    const worded = `[${shared.key}] ${shared.label}`;
    assert.ok(run.includes(worded) && show.includes(worded), `${worded} on the run screen and in show`);
  }
  assert.equal(text(pickerFooter({ ...initialPickerState([]), message: 'No runbooks found.' })), 'No runbooks found.');
  assert.equal(text(showFooter({ ...initialShowState(makeRunbook()), help: true })), '[? Esc] close');
});
