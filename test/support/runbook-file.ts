// Runbook files the tests write: what the CLI reads from disk, as an operator's would be.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `dir/<id>.yaml`: a runbook `id` of one SQL step, "work", running `sql`. */
export function sqlStepBook(dir: string, id: string, sql: string): string {
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, JSON.stringify({ runbook: 1, id, title: id, steps: [{ id: 'work', title: 'Work', sql }] }));
  return file;
}
