// The troubleshooting entries that match a failure, to pick one: a list
// (ink-select-input) over the full text of the highlighted entry.
import React, { useContext } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import type { TroubleshootingEntry } from '../../runbook/schema.js';
import type { Intent } from '../intents.js';
import { hasFixAction } from '../state.js';
import { entryLines } from '../views/troubleshoot.js';
import { fit, plain } from '../line.js';
import { LinesView, ThemeContext } from './Lines.js';

interface Props {
  entries: readonly TroubleshootingEntry[];
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

export function TroubleshootPicker({ entries, highlighted, sqlFiles, width, height, focused, dispatch }: Props) {
  const limit = Math.max(1, Math.min(entries.length, 5, Math.floor(height / 3)));
  const items = entries.map((e) => ({ key: e.id, value: e.id, label: `${hasFixAction(e) ? 'fix ' : 'info'} · ${e.title}` }));
  const title = fit(plain(`Troubleshooting — ${entries.length} ${entries.length === 1 ? 'entry matches' : 'entries match'} this failure`, { bold: true, underline: true }), width);
  const detailHeight = Math.max(0, height - limit - 2);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <LinesView lines={[title]} width={width} />
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
      <LinesView lines={entryLines(entries[highlighted], sqlFiles, width)} width={width} height={detailHeight} />
    </Box>
  );
}
