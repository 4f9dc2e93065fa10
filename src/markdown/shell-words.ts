// Just enough of POSIX shell syntax to read commands out of a ```bash block:
// where each command ends (quotes and `\` continuations may span lines), the
// comment written above it, and its words when it is a simple command.

export interface ShellCommand {
  /** The command as written (continuation lines joined as in the source). */
  text: string;
  /** The comment line(s) right above it, e.g. "# Run migration 001". */
  comment?: string;
  /** Offset just past the command in the block, for reading the rest as psql input. */
  end: number;
}

const SPACE = /\s/;

/**
 * Whether one character is what /\s/ matches, without running the pattern for the common ASCII ones:
 * every shell step of a runbook is read a character at a time when it is validated.
 */
function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return SPACE.test(c);
}

/** | & ; < > ( ) and the backquote: what makes a command more than a simple one. */
function isOperator(c: string): boolean {
  return c === '|' || c === '&' || c === ';' || c === '<' || c === '>' || c === '(' || c === ')' || c === '`';
}

/** Splits a script into commands, keeping each command's preceding comment. */
export function splitShellCommands(script: string): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let comments: string[] = [];
  let i = 0;
  while (i < script.length) {
    // Skip blank space between commands.
    while (i < script.length && isSpace(script[i])) i++;
    if (i >= script.length) break;
    const lineEnd = script.indexOf('\n', i) === -1 ? script.length : script.indexOf('\n', i);
    const line = script.slice(i, lineEnd);
    if (line.startsWith('#')) {
      comments.push(line.replace(/^#+\s*/, '').trim());
      i = lineEnd;
      continue;
    }
    // psql meta-commands ("\i file") are read verbatim: the shell would eat the backslash.
    const end = line.startsWith('\\') ? lineEnd : commandEnd(script, i);
    const text = script.slice(i, end).replace(/\s+#[^'"\n]*$/, '').trim();
    const comment = comments.filter(Boolean).join(' ');
    commands.push(comment ? { text, comment, end } : { text, end });
    comments = [];
    i = end;
  }
  return commands;
}

/** Where the command starting at `start` ends: an unquoted, unescaped newline (or a heredoc's end). */
function commandEnd(script: string, start: number): number {
  let quote: '"' | "'" | undefined;
  let heredoc: string | undefined;
  for (let i = start; i < script.length; i++) {
    const c = script[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
    } else if (c === '\\') {
      i++; // an escaped character, or a line continuation
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === start || isSpace(script[i - 1]))) {
      const nl = script.indexOf('\n', i);
      if (nl === -1) return script.length;
      i = nl - 1; // a trailing comment: the newline after it ends the command
    } else if (c === '<' && script[i + 1] === '<' && script[i + 2] !== '<') {
      const m = /^<<-?\s*['"]?(\w+)['"]?/.exec(script.slice(i));
      if (m) heredoc = m[1];
    } else if (c === '\n') {
      if (!heredoc) return i;
      const close = new RegExp(`\\n\\s*${heredoc}\\s*(\\n|$)`).exec(script.slice(i));
      return close ? i + close.index + close[0].trimEnd().length : script.length;
    }
  }
  return script.length;
}

export interface ShellWords {
  words: string[];
  /** false when the command uses pipes, redirections, `&&`, `;`, substitutions... */
  simple: boolean;
}

/** The words of one command after quote removal; `$VAR` is kept as written. */
export function shellWords(command: string): ShellWords {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let simple = true;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === "'") {
      const close = command.indexOf("'", i + 1);
      const stop = close === -1 ? command.length : close;
      word += command.slice(i + 1, stop);
      inWord = true;
      i = stop;
    } else if (c === '"') {
      inWord = true;
      for (i++; i < command.length && command[i] !== '"'; i++) {
        if (command[i] === '\\' && /["\\$`\n]/.test(command[i + 1] ?? '')) {
          i++;
          if (command[i] !== '\n') word += command[i];
        } else {
          if (command[i] === '`' || (command[i] === '$' && command[i + 1] === '(')) simple = false;
          word += command[i];
        }
      }
    } else if (c === '\\') {
      if (command[i + 1] !== '\n') word += command[i + 1] ?? '';
      inWord = inWord || command[i + 1] !== '\n';
      i++;
    } else if (isSpace(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      if (isOperator(c) || (c === '$' && command[i + 1] === '(')) simple = false;
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return { words, simple };
}

/** Quotes a word for a POSIX shell: '...' with embedded quotes escaped. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
