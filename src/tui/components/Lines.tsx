// Draws lines the views computed: one Ink Text per line, exactly `height`
// rows, nothing wider than `width`. The only place tones become colors.
import React, { createContext, memo, useContext } from 'react';
import { Box, Text } from 'ink';
import type { Line } from '../line.js';
import { clean } from '../text.js';
import { makeTheme, type Theme } from '../theme.js';

export const ThemeContext = createContext<Theme>(makeTheme(true));

export const LineView = memo(function LineView({ line, width }: { line: Line; width: number }) {
  const theme = useContext(ThemeContext);
  return (
    <Box height={1} width={width} flexShrink={0} overflow="hidden">
      <Text wrap="truncate-end">
        {line.length === 0
          ? ' '
          : line.map((s, i) => (
              <Text
                key={i}
                color={theme.colorOf(s.tone)}
                bold={s.bold}
                dimColor={s.dim || theme.dimOf(s.tone)}
                inverse={s.inverse}
                underline={s.underline}
              >
                {clean(s.text.replace(/\n/g, ' '))}
              </Text>
            ))}
      </Text>
    </Box>
  );
});

export function LinesView({ lines, width, height }: { lines: Line[]; width: number; height?: number }) {
  const h = height ?? lines.length;
  const rows: Line[] = lines.slice(0, h);
  while (rows.length < h) rows.push([]);
  return (
    <Box flexDirection="column" width={width} height={h} flexShrink={0} overflow="hidden">
      {rows.map((line, i) => (
        <LineView key={i} line={line} width={width} />
      ))}
    </Box>
  );
}
