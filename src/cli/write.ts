// Where a command's words go. Every line a command prints passes through
// `printable` (present/escape.ts): text from a runbook file, the database or a
// shell cannot put a raw escape sequence on the operator's terminal or in a
// CI log. JSON lines pass through it too: the escapes it writes (`\u001b`) are
// JSON's own, and JSON.stringify leaves DEL and the C1 controls raw.
import { printable } from '../present/escape.js';

export type Write = (line: string) => void;

/** One line to stdout. */
export const stdoutLine: Write = (line) => {
  process.stdout.write(`${printable(line)}\n`);
};

/** One line to stderr. */
export const stderrLine: Write = (line) => {
  process.stderr.write(`${printable(line)}\n`);
};

/** Text to stdout as it is (several lines, its own final newline), escaped. */
export const stdoutText = (text: string): void => {
  process.stdout.write(printable(text));
};
