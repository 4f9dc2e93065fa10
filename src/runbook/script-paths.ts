// The script files a shell step's command names: `bash ../migrations/x.sh`,
// `node tool.mjs --check`, `./fix.sh`. A runbook is untrusted input, so these
// are held to the rule sql_file is (runbook/files.ts outsideTree): inside the
// runbook's folder tree, symlinks resolved, or in a folder the operator
// allowed. The shell itself is not parsed in full: each command (split at
// newlines and at unquoted ; && || | &) is read as words, and a script is
//   - the first operand of an interpreter (bash, sh, node, python, ...) that
//     is not given its code inline (-c, -e), or what `source` / `.` read;
//   - the command itself when it is a relative path (./x.sh, scripts/x.sh).
// Words the shell would expand ($VAR, ~, globs) are not known until it runs
// and are left alone; so are absolute commands (/usr/bin/psql is a tool, not
// a script of the runbook's).
import { shellWords, splitShellCommands } from '../markdown/shell-words.js';

const INTERPRETERS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'node', 'python', 'python3', 'perl', 'ruby', 'deno', 'bun', 'tsx', 'ts-node', 'php', 'Rscript']);
/** Options after which the code is inline, not a file: there is no script to check. */
const INLINE = new Set(['-c', '-e', '--eval', '-p', '--print', '-m', 'run', 'eval']);
/** Words that run the command after them. */
const PREFIXES = new Set(['exec', 'time', 'nohup', 'command', 'env']);

/** The script paths a shell command names, as written, in order. */
export function scriptPaths(shell: string): string[] {
  const found: string[] = [];
  for (const command of splitShellCommands(shell)) {
    for (const part of splitOperators(command.text)) {
      const words = shellWords(part).words;
      let i = 0;
      // Leading assignments (FOO=1 cmd) and prefixes (exec cmd, env cmd).
      while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || PREFIXES.has(words[i]))) i++;
      const head = words[i];
      if (head === undefined) continue;
      const name = head.slice(head.lastIndexOf('/') + 1);
      if (head === 'source' || head === '.') {
        if (words[i + 1] !== undefined) found.push(words[i + 1]);
      } else if (INTERPRETERS.has(name) || /^python3?\.\d+$/.test(name)) {
        for (const word of words.slice(i + 1)) {
          if (INLINE.has(word)) break;
          if (word.startsWith('-')) continue;
          found.push(word);
          break;
        }
      } else if (head.includes('/') && !head.startsWith('/')) found.push(head);
    }
  }
  return found.filter((p) => !/[$~*?[`]/.test(p));
}

/** A command split at its unquoted control operators: `a && b | c; d` → a, b, c, d. */
function splitOperators(text: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === ';' || c === '|' || c === '&' || c === '(' || c === ')' || c === '\n') {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}
