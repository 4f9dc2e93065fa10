// The picker on the screen. The list is ink-select-input's SelectInput; the
// selection and the filter live in the picker's own reducer (model.ts), so
// letters can be typed into the filter without SelectInput's own j/k and 1–9
// shortcuts acting on them: SelectInput draws the window of entries with the
// reducer's selection, and the keys go through `pickerKey`.
import React, { createContext, useContext, useMemo, useRef, useState } from 'react';
import { Text, useInput, useStdout } from 'ink';
import SelectInput from 'ink-select-input';
import type { DiscoveredRunbook } from '../../runbook/discover.js';
import { Frame } from '../components/Frame.js';
import { footerLine } from '../views/footer.js';
import { ThemeContext } from '../components/Lines.js';
import { useResize } from '../components/useResize.js';
import { lineText, plain, type Line } from '../line.js';
import { makeTheme } from '../theme.js';
import { moreWords } from '../views/window.js';
import { clean } from '../text.js';
import { initialPickerState, pickerEntries, pickerKey, selectedIndex, updatePicker, type PickerChoice, type PickerIntent, type PickerLiveRun, type PickerState } from './model.js';
import { entryLine, filterLine, pickerFooter, pickerGeometry, pickerHeaderLine, pickerWindow, selectionLines } from './view.js';

export interface PickerProps {
  runbooks: DiscoveredRunbook[];
  /** Runs going on now, listed first (Enter watches one). */
  live?: PickerLiveRun[];
  /** The operator chose (a run, or the read-only view), or quit (null). The state is handed back so a return to the picker finds it as it was. */
  onDone(choice: PickerChoice | null, state: PickerState): void;
  initial?: { filter?: string; selected?: string | null };
  /** A fixed size (tests); otherwise the terminal's. */
  size?: { columns: number; rows: number };
  color?: boolean;
}

function Pointer({ isSelected }: { isSelected?: boolean }) {
  const theme = useContext(ThemeContext);
  return (
    <Text color={theme.colorOf('accent')} bold>
      {isSelected ? '› ' : '  '}
    </Text>
  );
}

/** The styled line of each row on view, by the item's value (SelectInput hands a row only its label and value). */
const RowLines = createContext<ReadonlyMap<string, Line>>(new Map());

/** A row drawn from its styled line, highlighted when selected. */
function Row({ isSelected, label, value }: { isSelected?: boolean; label: string; value?: string }) {
  const theme = useContext(ThemeContext);
  const lines = useContext(RowLines);
  const line = (value !== undefined ? lines.get(value) : undefined) ?? plain(label);
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text key={i} color={theme.colorOf(s.tone)} bold={s.bold || isSelected} dimColor={s.dim || theme.dimOf(s.tone)} inverse={isSelected} underline={s.underline}>
          {clean(s.text)}
        </Text>
      ))}
    </Text>
  );
}

export function PickerView({ state }: { state: PickerState }) {
  const width = Math.max(30, state.size.columns);
  const entries = pickerEntries(state);
  const win = pickerWindow(state, entries);
  const at = selectedIndex(state, entries);
  const shown = entries.slice(win.top, win.top + win.height);
  const rowWidth = width - 2;
  const lines = new Map(shown.map((e) => [e.key, entryLine(e, rowWidth)] as const));
  const items = shown.map((e) => ({ key: e.key, value: e.key, label: lineText(lines.get(e.key) ?? []) }));
  const above = win.top;
  const below = Math.max(0, entries.length - win.top - win.height);
  const more = moreWords(above, below);
  const header = [pickerHeaderLine(state, width), filterLine(state, width), plain(`${'─'.repeat(2)}${more ? ` ${more} ` : ''}${'─'.repeat(width)}`.slice(0, width), { tone: 'muted' })];
  return (
    <Frame width={width} header={header} bodyHeight={win.height} footer={[...selectionLines(state, width), footerLine(pickerFooter(state), width)]}>
      {items.length > 0 ? (
        <RowLines.Provider value={lines}>
          <SelectInput key={`${win.top}:${at}:${state.filter}`} items={items} isFocused={false} initialIndex={Math.max(0, at - win.top)} indicatorComponent={Pointer} itemComponent={Row} />
        </RowLines.Provider>
      ) : null}
    </Frame>
  );
}

export function Picker({ runbooks, live, onDone, initial, size, color = true }: PickerProps) {
  const { stdout } = useStdout();
  const start = size ?? { columns: stdout.columns || 80, rows: stdout.rows || 24 };
  // The latest state, read by the key handler: keys that arrive together must each see the one before.
  const latest = useRef<PickerState | null>(null);
  latest.current ??= initialPickerState(runbooks, { ...initial, size: start, live });
  const [state, setState] = useState(latest.current);
  const done = useRef(onDone);
  done.current = onDone;
  const finished = useRef(false);
  const dispatch = (intent: PickerIntent) => {
    if (finished.current || !latest.current) return;
    // A page is as long as the list the view draws (pickerGeometry): measured here, never by the reducer.
    const measured = intent.type === 'page' ? { ...intent, view: pickerGeometry(latest.current) } : intent;
    const { state: next, outcome } = updatePicker(latest.current, measured);
    latest.current = next;
    if (outcome) {
      finished.current = true;
      done.current(outcome.type === 'chosen' ? outcome.choice : null, next);
    } else setState(next);
  };
  useInput((input, key) => {
    if (!latest.current) return;
    const intent = pickerKey(latest.current, input, key);
    if (intent) dispatch(intent);
  });
  useResize((terminal) => dispatch({ type: 'resize', ...terminal }), !size);
  const theme = useMemo(() => makeTheme(color), [color]);
  return (
    <ThemeContext.Provider value={theme}>
      <PickerView state={state} />
    </ThemeContext.Provider>
  );
}
