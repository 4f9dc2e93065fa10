// A failed action in one line, for verdicts and troubleshooting matches.
import type { ExecError } from '../exec/types.js';
import { shorten } from './values.js';

/** "SQLSTATE 42P07: relation \"x\" already exists", "killed after 30s". */
export function describeFailure(error: ExecError, max = 200): string {
  const text = error.sqlstate ? `SQLSTATE ${error.sqlstate}: ${error.message}` : error.message;
  return shorten(text, max);
}
