// The troubleshooting entries for a failure, to pick one: a list
// (ink-select-input) over the full text of the highlighted entry. The entries
// that match the failure come first; the step's other known problems follow,
// each marked as such so it is not read as the diagnosis.
import React, { useContext } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { TroubleshootingEntry } from '../../runbook/schema.js';
import type { Intent } from '../intents.js';
import { hasFixAction } from '../state.js';
import { entryLines } from '../views/troubleshoot.js';
import { isMatch, troubleshootingSummary } from '../../present/troubleshoot.js';
import { fit, plain, wrapLine } from '../line.js';
import { LinesView, ThemeContext } from './Lines.js';

interface Props {
  entries: readonly TroubleshootingEntry[];
  /** The first `matched` entries fit the failure; the rest are the step's other known problems. */
  matched: number;
  highlighted: number;
  sqlFiles: ReadonlyMap<string, string>;
  width: number;
  height: number;
  focused: boolean;
  dispatch(intent: Intent): void;
}

function Pointer({ isSelected }: { isSelected?: boolean }) {
  const theme = useContext(ThemeContext);
  return <Text color={theme.colorOf('accent')} bold>{isSelected ? '› ' : '  '}</Text>;
}

function Entry({ isSelected, label }: { isSelected?: boolean; label: string }) {
  return (
    <Text wrap="truncate-end" bold={isSelected} inverse={isSelected}>
      {label}
    </Text>
  );
}

export function TroubleshootPicker({ entries, matched, highlighted, sqlFiles, width, height, focused, dispatch }: Props) {
  const limit = Math.max(1, Math.min(entries.length, 5, Math.floor(height / 3)));
  const help = { entries, matched };
  const items = entries.map((e, i) => ({ key: e.id, value: e.id, label: `${hasFixAction(e) ? 'fix ' : 'info'} · ${isMatch(help, i) ? '' : 'other known problem · '}${e.title}` }));
  // Wrapped, at most two lines: the count of other known problems must not be cut off.
  const title = wrapLine(plain(`Troubleshooting — ${troubleshootingSummary(help)}`, { bold: true, underline: true }), width).slice(0, 2).map((l) => fit(l, width));
  const detailHeight = Math.max(0, height - limit - title.length - 1);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <LinesView lines={title} width={width} />
      <Box height={limit} width={width} flexShrink={0} overflow="hidden">
        <SelectInput
          items={items}
          isFocused={focused}
          limit={limit}
          initialIndex={Math.min(highlighted, items.length - 1)}
          indicatorComponent={Pointer}
          itemComponent={Entry}
          onHighlight={(item) => dispatch({ type: 'highlight_fix', index: entries.findIndex((e) => e.id === item.value) })}
          onSelect={(item) => dispatch({ type: 'choose_fix', entryId: item.value })}
        />
      </Box>
      <LinesView lines={[fit(plain('─'.repeat(width), { tone: 'muted' }), width)]} width={width} />
      <LinesView lines={entryLines(entries[highlighted], sqlFiles, width, isMatch(help, highlighted))} width={width} height={detailHeight} />
    </Box>
  );
}
