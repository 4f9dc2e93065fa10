// One way for every screen to follow the terminal's size: report it on
// resize (and at once, when asked), and stop listening when unmounted.
import { useEffect, useRef } from 'react';
import { useStdout } from 'ink';

export interface TerminalSize {
  columns: number;
  rows: number;
}

export function useResize(onResize: (size: TerminalSize) => void, enabled: boolean, reportNow = false): void {
  const { stdout } = useStdout();
  // The latest callback, without re-subscribing on every render.
  const latest = useRef(onResize);
  latest.current = onResize;
  useEffect(() => {
    if (!enabled) return;
    const report = () => latest.current({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    if (reportNow) report();
    stdout.on('resize', report);
    return () => {
      stdout.off('resize', report);
    };
  }, [stdout, enabled, reportNow]);
}
