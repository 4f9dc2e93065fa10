// The runbook a recorded run was made from, loaded again for resume or
// rollback: the file given, else the one the journal names; a warning when
// it changed since, saying what that means for the command at hand.
import type { JournalHeader } from '../../journal/journal.js';
import { runbookHash } from '../../journal/record.js';
import { loadRunbook, type Runbook } from '../../runbook/load.js';
import { formatProblem } from '../../runbook/problems.js';

export async function runbookOfRun(header: JournalHeader, file: string | undefined, ifChanged: string, err: (line: string) => void): Promise<Runbook | undefined> {
  const path = file ?? header.runbook.file;
  const loaded = await loadRunbook(path);
  if (!loaded.ok) {
    loaded.problems.forEach((p) => err(formatProblem(p)));
    return undefined;
  }
  if (runbookHash(loaded.runbook) !== header.runbook.sha256) err(`warning: ${path} changed since run ${header.runId}${ifChanged}`);
  return loaded.runbook;
}
