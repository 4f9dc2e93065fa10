// The frame the three screens (run, show, picker) share: a header, a body —
// a list on the left with a rule beside it when the terminal is wide enough,
// and the main pane — then a rule and the footer lines (a question panel,
// the keys). Each screen computes its lines; the frame only places them.
import React from 'react';
import { Box } from 'ink';
import { fit, plain, seg, type Line } from '../line.js';
import { LinesView } from './Lines.js';

export interface FrameProps {
  width: number;
  /** The whole frame's rows; omitted, it is as tall as its parts. */
  height?: number;
  header: Line[];
  bodyHeight: number;
  /** The list beside the main pane, or none (a narrow terminal, a full-width view). */
  list?: { lines: Line[]; width: number } | null;
  /** The main pane's lines; or `children`, a component that draws itself in `mainWidth` × `bodyHeight`. */
  main?: Line[];
  mainWidth?: number;
  children?: React.ReactNode;
  /** Under the rule: the question panel, the keys. */
  footer: Line[];
}

export function Frame({ width, height, header, bodyHeight, list, main, mainWidth, children, footer }: FrameProps) {
  const withList = list && list.width > 0 ? list : null;
  const paneWidth = mainWidth ?? (withList ? width - withList.width - 1 : width);
  const rule = fit(plain('─'.repeat(width), { tone: 'muted' }), width);
  return (
    <Box flexDirection="column" width={width} {...(height !== undefined ? { height } : {})}>
      <LinesView lines={header} width={width} />
      <Box flexDirection="row" width={width} height={bodyHeight} flexShrink={0}>
        {withList ? <LinesView lines={withList.lines} width={withList.width} height={bodyHeight} /> : null}
        {withList ? <LinesView lines={Array.from({ length: bodyHeight }, () => [seg('│', { tone: 'muted' })])} width={1} height={bodyHeight} /> : null}
        <Box width={paneWidth} height={bodyHeight} flexShrink={0} overflow="hidden" flexDirection="column">
          {main ? <LinesView lines={main} width={paneWidth} height={bodyHeight} /> : children}
        </Box>
      </Box>
      <LinesView lines={[rule, ...footer]} width={width} />
    </Box>
  );
}
