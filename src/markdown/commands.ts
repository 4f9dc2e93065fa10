// Turns the code a document shows into runbook actions: `sql:`, `sql_file:`
// or `shell:`. SQL is checked with PostgreSQL's parser; psql invocations are
// read for what they run (`-c SQL`, `-f FILE`, `\i FILE`), and their
// connection options dropped, because a runbook runs against the target the
// operator pinned at start, not the database named in the document.
import { checkSql } from './sql-check.js';
import { shellQuote, shellWords, splitShellCommands, type ShellCommand } from './shell-words.js';

export type Action = { sql: string } | { sql_file: string } | { shell: string };

export interface FoundAction {
  action: Action;
  /** A title the document gave it: the comment above the command or statement. */
  title?: string;
}

export interface CodeReading {
  actions: FoundAction[];
  /** What could not be turned into an action, in words for the author. */
  problems: string[];
}

const SQL_LANGUAGES = new Set(['sql', 'psql', 'pgsql', 'postgres', 'postgresql', 'plpgsql']);
const SHELL_LANGUAGES = new Set(['bash', 'sh', 'shell', 'zsh', 'console', 'shell-session', 'shellsession', 'terminal']);

/** What a fenced block's info string says it holds, when it is something runnable. */
export function runnableLanguage(lang: string | undefined): 'sql' | 'shell' | undefined {
  const name = (lang ?? '').trim().split(/\s+/)[0].toLowerCase();
  if (SQL_LANGUAGES.has(name)) return 'sql';
  if (SHELL_LANGUAGES.has(name)) return 'shell';
  return undefined;
}

/** The actions in a fenced code block, or undefined when the block is not SQL or shell. */
export function readCodeBlock(lang: string | undefined, text: string): CodeReading | undefined {
  const kind = runnableLanguage(lang);
  if (kind && isChecklist(text)) {
    return { actions: [], problems: [`the ${lang} block holds a list ("${firstLine(text.replace(/^\s*(#|--).*\n/gm, ''))}"), not commands`] };
  }
  if (kind === 'sql') return readPsqlInput(text);
  if (kind === 'shell') return readShellScript(withoutPrompts(text));
  return undefined;
}

/** Inline code after a label, e.g. **Rollback:** `DROP VIEW v;` or `\i rollback.sql`. */
export function readInlineCode(code: string): CodeReading {
  const text = code.trim();
  if (text.startsWith('\\')) return readPsqlInput(text);
  if (/^psql\b/.test(text)) return readShellScript(text);
  const verdict = checkSql(text);
  if (verdict.ok && verdict.statements.length > 0) return { actions: [{ action: { sql: text } }], problems: [] };
  return { actions: [{ action: { shell: text } }], problems: [] };
}

/** Authors sometimes write a to-do list inside a code fence: "- [ ] alembic upgrade head". */
function isChecklist(text: string): boolean {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith('--'));
  return lines.length > 0 && lines.every((l) => /^[-*+]\s/.test(l));
}

/** Console transcripts mark commands with "$ "; the other lines are output. */
function withoutPrompts(text: string): string {
  const lines = text.split('\n');
  if (!lines.some((l) => l.startsWith('$ '))) return text;
  return lines
    .filter((l) => l.startsWith('$ '))
    .map((l) => l.slice(2))
    .join('\n');
}

/** Display settings that change nothing on the server: dropped without a word. */
const HARMLESS_META = /^\\(timing|x|pset|echo|q|qecho|conninfo)\b/;

/**
 * What psql would read from a file or its prompt: SQL with meta-commands
 * (`\d`, `\i`) between. Typed at a prompt inside a shell block, `# ...` lines
 * are the author's shell comments: they title what follows.
 */
export function readPsqlInput(text: string, shellComments = false): CodeReading {
  const chunks: { meta: boolean; text: string; title?: string }[] = [];
  let sql: string[] = [];
  let title: string | undefined;
  const flush = () => {
    if (sql.some((l) => l.trim())) chunks.push({ meta: false, text: sql.join('\n'), title });
    sql = [];
  };
  for (const line of text.split('\n')) {
    if (shellComments && line.trim().startsWith('#')) {
      flush();
      title = line.trim().replace(/^#+\s*/, '') || undefined;
    } else if (line.trim().startsWith('\\')) {
      flush();
      chunks.push({ meta: true, text: line.trim(), title });
      title = undefined;
    } else {
      sql.push(line);
    }
  }
  flush();
  const hasSql = chunks.some((c) => !c.meta && hasStatements(c.text));
  const reading: CodeReading = { actions: [], problems: [] };
  for (const chunk of chunks) {
    if (chunk.meta) addMetaCommand(reading, chunk.text, hasSql, chunk.title);
    else addSql(reading, chunk.text, chunk.title);
  }
  return reading;
}

function hasStatements(sql: string): boolean {
  if (!sql.trim()) return false;
  const verdict = checkSql(sql);
  return !verdict.ok || verdict.statements.length > 0;
}

function addSql(reading: CodeReading, sql: string, title?: string): void {
  if (!sql.trim()) return;
  const verdict = checkSql(sql);
  if (!verdict.ok) {
    reading.problems.push(`not valid SQL (${verdict.error}): ${firstLine(sql)}`);
    return;
  }
  if (verdict.statements.length === 0) return; // only comments
  const named = title ?? verdict.statements[0].comment;
  reading.actions.push(named ? { action: { sql: dedent(sql) }, title: named } : { action: { sql: dedent(sql) } });
}

/**
 * A psql meta-command is not SQL and the server cannot run it. `\i FILE` is a
 * file of SQL; alone in its block, any other one becomes a shell step running
 * psql; beside real SQL it is reported, so the SQL stays one `sql:` action.
 */
function addMetaCommand(reading: CodeReading, meta: string, besideSql: boolean, title?: string): void {
  const include = /^\\(?:i|ir|include|include_relative)\s+(?:'([^']+)'|"([^"]+)"|(\S+))/.exec(meta);
  if (include) {
    const file = include[1] ?? include[2] ?? include[3];
    reading.actions.push(title ? { action: { sql_file: file }, title } : { action: { sql_file: file } });
  } else if (HARMLESS_META.test(meta)) {
    return;
  } else if (/^\\(c|connect)\b/.test(meta)) {
    reading.problems.push(`psql \`${meta}\` connects to another database; a runbook runs against the target chosen at start`);
  } else if (besideSql) {
    reading.problems.push(`psql meta-command \`${meta}\` is not SQL; run it in psql by hand or give it a shell step`);
  } else {
    const shell = `psql "$DATABASE_URL" -c ${shellQuote(meta)}`;
    reading.actions.push(title ? { action: { shell }, title } : { action: { shell } });
  }
}

/** PostgreSQL client programs: in a shell step they must reach the runbook's target, not a database the document names. */
const PG_CLIENTS = new Set(['psql', 'pg_dump', 'pg_dumpall', 'pg_restore', 'createdb', 'dropdb', 'vacuumdb', 'reindexdb', 'clusterdb', 'pg_isready']);

/**
 * The commands of a shell block. A block that only runs psql (`psql -c SQL`,
 * `psql -f FILE`, an interactive `psql` then `\i FILE`) becomes SQL actions.
 * A block that also runs other programs stays one shell action, as written:
 * rewriting a script the author tested would be worse than running it.
 */
export function readShellScript(script: string): CodeReading {
  const commands = splitShellCommands(script);
  const reading: CodeReading = { actions: [], problems: [] };
  for (const command of commands) {
    if (command.text.startsWith('\\')) {
      addMetaCommand(reading, command.text, false, command.comment);
      continue;
    }
    const { words, simple } = shellWords(command.text);
    const psql = simple && words[0] === 'psql' ? readPsqlArguments(words.slice(1)) : undefined;
    if (!psql) return verbatimShell(script, commands);
    if (psql.length === 0) {
      // An interactive `psql -d db`: the rest of the block is typed at its prompt.
      const rest = readPsqlInput(script.slice(command.end), true);
      reading.actions.push(...rest.actions);
      reading.problems.push(...rest.problems);
      break;
    }
    for (const item of psql) {
      if ('file' in item) reading.actions.push({ action: { sql_file: item.file }, ...(command.comment ? { title: command.comment } : {}) });
      else if (item.command.trim().startsWith('\\')) addMetaCommand(reading, item.command.trim(), false, command.comment);
      else addSql(reading, item.command, command.comment);
    }
  }
  return reading;
}

function verbatimShell(script: string, commands: ShellCommand[]): CodeReading {
  const problems = commands
    .filter((c) => PG_CLIENTS.has(shellWords(c.text).words[0] ?? '') && !c.text.includes('DATABASE_URL'))
    .map((c) => `\`${firstLine(c.text)}\` does not use the runbook's target ($DATABASE_URL); check which database it reaches`);
  const title = commands.length === 1 ? commands[0].comment : undefined;
  return { actions: [{ action: { shell: script.trim() }, ...(title ? { title } : {}) }], problems };
}

type PsqlItem = { command: string } | { file: string };

const PSQL_CONNECTION_OPTIONS = new Set(['-d', '--dbname', '-U', '--username', '-h', '--host', '-p', '--port']);
const PSQL_VALUE_OPTIONS = new Set(['-v', '--set', '--variable']);
// Flags that change nothing about what the server runs. Output flags (-A, -t, -x...) are not here:
// a command using them is a shell step whose output someone reads, and stays one.
const PSQL_FLAGS = new Set(['-X', '--no-psqlrc', '-w', '--no-password', '-W', '--password', '-1', '--single-transaction']);

/**
 * The `-c` commands and `-f` files of a psql invocation in order, [] for an
 * interactive session, or undefined when it does something else (`-l`, `-o`...).
 */
function readPsqlArguments(args: string[]): PsqlItem[] | undefined {
  const items: PsqlItem[] = [];
  let positional = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const short = /^-[cfdUhpv]./.test(arg) ? { name: arg.slice(0, 2), value: arg.slice(2) } : undefined;
    const option = short?.name ?? name;
    const value = () => short?.value ?? inline ?? args[++i];
    if (option === '-c' || option === '--command') items.push({ command: value() ?? '' });
    else if (option === '-f' || option === '--file') items.push({ file: value() ?? '' });
    else if (PSQL_CONNECTION_OPTIONS.has(option) || PSQL_VALUE_OPTIONS.has(option)) value();
    else if (PSQL_FLAGS.has(arg)) continue;
    else if (!arg.startsWith('-') && positional < 2) positional++; // database name (or URL), user name
    else return undefined;
  }
  return items.some((item) => ('file' in item ? !item.file : false)) ? undefined : items;
}

/** One action for a step out of several the document shows, and a note when that changed their shape. */
export function mergeActions(found: FoundAction[]): { action?: Action; note?: string } {
  if (found.length === 0) return {};
  if (found.length === 1) return { action: found[0].action };
  const actions = found.map((f) => f.action);
  if (actions.every((a) => 'sql' in a)) {
    return { action: { sql: actions.map((a) => withSemicolon((a as { sql: string }).sql)).join('\n\n') } };
  }
  // The comment each command had in the document says what it is for; keep it.
  const lines = found.map((f) => {
    const line = asShellLine(f.action);
    return f.title && !line.includes(f.title) ? `# ${f.title}\n${line}` : line;
  });
  const shell = `set -e\n${lines.join('\n')}`;
  if (actions.every((a) => 'shell' in a)) return { action: { shell } };
  const files = actions.filter((a) => 'sql_file' in a).length;
  const what = files === actions.length ? `its ${files} SQL files run` : `its ${actions.length} commands (SQL and shell) run`;
  return {
    action: { shell },
    note: `${what} in one shell step through psql; split it into one step per command to get runbook's SQL handling (transactions, notices, checks)`,
  };
}

function asShellLine(action: Action): string {
  if ('shell' in action) return action.shell;
  if ('sql_file' in action) return `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f ${shellQuote(action.sql_file)}`;
  return `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 <<'SQL'\n${withSemicolon(action.sql)}\nSQL`;
}

function withSemicolon(sql: string): string {
  const trimmed = sql.trimEnd();
  return /;\s*(--[^\n]*)?$/.test(trimmed) ? trimmed : `${trimmed};`;
}

/** Removes the indentation common to all lines (SQL pasted from inside `psql -c "..."`). */
function dedent(text: string): string {
  const lines = text.replace(/^\s*\n/, '').trimEnd().split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

/** The start of a command or query for a message: its first line, or a multi-line command on one line. */
export function firstLine(text: string): string {
  const trimmed = text.trim();
  const unclosed = (trimmed.split('\n')[0].match(/["']/g) ?? []).length % 2 === 1;
  const line = unclosed ? trimmed.replace(/\s+/g, ' ') : (trimmed.split('\n')[0] ?? '');
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
