// A SQL step resumed part-way runs only the statements after the ones that
// committed in an earlier attempt. Its notices check is about the whole step:
// the notices those committed statements raised then are in the item's output
// (the journal's), and count as raised.
import type { OutputLine } from '../engine/state.js';
import type { ActionResult } from '../exec/types.js';

/**
 * The notices raised by statements 0..committed-1, each statement's from its
 * last run (a statement that failed in one attempt and committed in the next
 * raised its notices twice). From the output kept for the item: the newest
 * OUTPUT_LINES_KEPT lines, so a very long earlier attempt may have lost some.
 */
export function earlierNotices(output: readonly OutputLine[], committed: number): string[] {
  const byStatement: string[][] = [];
  let current = -1;
  for (const line of output) {
    if (line.type === 'statement_started') {
      current = line.index;
      byStatement[current] = [];
    } else if (line.type === 'notice' && current >= 0 && current < committed) {
      byStatement[current].push(line.message);
    }
  }
  return byStatement.slice(0, committed).flatMap((notices) => notices ?? []);
}

/** The result of the statements run now, with the notices of the ones committed before, first, when notices are kept (a notices check). */
export function withEarlierNotices(result: ActionResult, output: readonly OutputLine[], committed: number, keptNotices: boolean): ActionResult {
  if (!keptNotices || committed === 0) return result;
  return { ...result, notices: [...earlierNotices(output, committed), ...result.notices] };
}
