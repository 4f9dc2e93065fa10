// Checks a schema-valid runbook for what a schema cannot express: one action
// per step, ids that are unique and references that exist, sql_files that
// exist, SQL that parses, placeholders that name real inputs, and conditions
// that make sense. Every problem is reported, not just the first.
import { isAbsolute, join, resolve } from 'node:path';
import { LIMITS, outsideTree, readTextFile } from './files.js';
import { scriptPaths } from './script-paths.js';
import { conditionTypeProblem, validateCondition } from '../checks/conditions.js';
import { validateTextMatch } from '../checks/textmatch.js';
import { bindPlaceholders, ensureParser, parseTreeOf, placeholdersIn, splitSql } from '../sql/index.js';
import { PlaceholderError } from '../sql/errors.js';
import { isRuleId, openFindings, RULES } from '../sql/findings.js';
import { runbookFindings, type RunbookFinding } from './findings.js';
import { actionKinds, actionSites, type ActionSite } from './actions.js';
import type { Locator, PathKey, Problem } from './problems.js';
import { matchCriteriaOf, type Expectation, type Input, type RunbookData } from './schema.js';
import { procedureInputs } from './procedure.js';
import { closest, didYouMean } from './did-you-mean.js';
import { coerceInput } from '../run/inputs.js';

export async function lintRunbook(
  rb: RunbookData,
  dir: string,
  locate: Locator,
  serverVersionNum?: number,
  allowedDirs: readonly string[] = [],
): Promise<{ problems: Problem[]; sqlFiles: Map<string, string>; findings: RunbookFinding[] }> {
  await ensureParser();
  const problems: Problem[] = [];
  const sqlFiles = new Map<string, string>();
  const report = (path: PathKey[], message: string, key?: string) => problems.push(locate.at(path, message, key));

  checkUniqueIds(rb, report);
  checkInputDefaults(rb, report);
  checkReferences(rb, report);
  checkInherit(rb, report);
  for (const site of actionSites(rb)) {
    checkActionCount(site, report);
    checkConnection(rb, site, report);
    const inputs = inputsAt(rb, site.path);
    checkShellInputs(inputs, site, report);
    checkConnectionInputs(rb, inputs, site, report);
    const sql = site.action.sql;
    if (sql !== undefined) checkSql(inputs, sql, [...site.path, 'sql'], undefined, locate, problems);
    for (const [key, text] of [['baseline', site.action.speedup?.baseline], ['candidate', site.action.speedup?.candidate]] as const) {
      if (text !== undefined) checkSql(inputs, text, [...site.path, 'speedup', key], undefined, locate, problems);
    }
    const file = site.action.sql_file;
    if (file !== undefined) {
      // Untrusted: inside the runbook's tree, a regular file, bounded, valid UTF-8 (runbook/files.ts). Never echoed.
      const outside = outsideTree(dir, file, allowedDirs);
      const read = outside ? undefined : readTextFile(resolve(dir, file), `sql_file "${file}"`, LIMITS.sqlFileBytes);
      if (outside) report([...site.path, 'sql_file'], `sql_file ${outside}`);
      else if (!read!.ok) {
        const failed = read as Extract<typeof read, { ok: false }>;
        if (failed.line !== undefined) problems.push({ file: resolve(dir, file), line: failed.line, column: failed.column ?? 1, message: failed.message });
        else if (/ not found$/.test(failed.message)) report([...site.path, 'sql_file'], `sql_file "${file}" not found (looked in ${resolve(dir, file)}): expected a file of SQL relative to the runbook`);
        else report([...site.path, 'sql_file'], failed.message);
      } else {
        sqlFiles.set(file, read!.text);
        checkSql(inputs, read!.text, [...site.path, 'sql_file'], file, locate, problems);
      }
    }
    const cwd = (site.action as { cwd?: string }).cwd;
    if (cwd !== undefined) {
      const outside = outsideTree(dir, cwd, allowedDirs);
      if (outside) report([...site.path, 'cwd'], `cwd ${outside}`);
    }
    // The scripts its command runs are held to the same rule, from the folder the command runs in.
    for (const script of site.action.shell === undefined ? [] : scriptPaths(site.action.shell)) {
      const outside = outsideTree(dir, isAbsolute(script) || cwd === undefined ? script : join(cwd, script), allowedDirs);
      if (outside) report([...site.path, 'shell'], `the script ${outside.replace(/^"[^"]*"/, `"${script}"`)}`);
    }
  }
  // A SQLite database named without placeholders is checked here; one built from inputs, when the run opens it.
  for (const [name, spec] of Object.entries(rb.connections ?? {})) {
    const path = (spec as { sqlite?: string })?.sqlite;
    if (typeof path !== 'string' || path.includes('{{')) continue;
    const outside = outsideTree(dir, path, allowedDirs);
    if (outside) report(['connections', name, 'sqlite'], `sqlite ${outside}`);
  }
  forEachExpectation(rb, (expect, path) => checkConditions(expect, path, report));
  checkAccepted(rb, report);
  const findings = runbookFindings(rb, sqlFiles, locate, locate.file, serverVersionNum);
  // What would fail at run time anyway (CONCURRENTLY inside BEGIN, an enum value used in the transaction that added it) is a problem now.
  for (const f of openFindings(findings, 'error')) problems.push({ file: f.file, line: f.line, column: f.column, message: `${f.message} [${f.rule}]. ${f.advice}` });
  return { problems, sqlFiles, findings };
}

/** The inputs a site can use: a procedure's own and inherited ones inside a procedure, the runbook's elsewhere. */
function inputsAt(rb: RunbookData, path: PathKey[]): Readonly<Record<string, Input>> {
  if (path[0] !== 'procedures' || typeof path[1] !== 'number') return rb.inputs ?? {};
  const p = rb.procedures[path[1]];
  return p ? procedureInputs(rb, { ...p, inputs: p.inputs ?? {} }) : {};
}

/** A shell command reads inputs as $RUNBOOK_INPUT_<NAME>: each must be one this site has. */
function checkShellInputs(inputs: Readonly<Record<string, Input>>, site: ActionSite, report: Report): void {
  const shell = site.action.shell;
  if (shell === undefined) return;
  const names = new Set(Object.keys(inputs).map((n) => n.toUpperCase()));
  // Inputs never become shell text: a {{ }} in the command would reach the shell as written.
  for (const m of shell.matchAll(/\{\{\s*(ident\s+)?inputs\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) {
    report([...site.path, 'shell'], `${m[0]} in shell text is never replaced (inputs never become shell text): write "$RUNBOOK_INPUT_${m[2].toUpperCase()}" (the input as an environment variable, in double quotes) instead`);
  }
  for (const m of shell.matchAll(/\$\{?RUNBOOK_INPUT_([A-Z0-9_]+)/g)) {
    if (!names.has(m[1])) {
      const where = site.path[0] === 'procedures' ? ' in this procedure (declare it under the procedure’s inputs:, or name it under inherit: inputs:)' : '';
      report([...site.path, 'shell'], `$RUNBOOK_INPUT_${m[1]} names no input${where}: expected one of ${[...names].map((n) => `RUNBOOK_INPUT_${n}`).join(', ') || '(none)'}`);
    }
  }
}

/** A connection built from inputs (sqlite: "{{ inputs.path }}") needs those inputs where it is used. */
function checkConnectionInputs(rb: RunbookData, inputs: Readonly<Record<string, Input>>, site: ActionSite, report: Report): void {
  const name = site.action.connection;
  const c = name === undefined ? undefined : rb.connections?.[name];
  if (!c) return;
  for (const m of `${c.sqlite ?? ''} ${c.postgres ?? ''}`.matchAll(/\{\{\s*(?:ident\s+)?inputs\.([a-z_][a-z0-9_]*)\s*\}\}/g)) {
    if (!(m[1] in inputs)) {
      const where = site.path[0] === 'procedures' ? ' in this procedure (name it under inherit: inputs:, or declare it under the procedure’s inputs:)' : '';
      report([...site.path, 'connection'], `connection "${name}" uses {{ inputs.${m[1]} }}, which is no input${where}: expected one of ${Object.keys(inputs).join(', ') || '(none)'}`);
    }
  }
}

/** An input's default is checked against its type (and min/max/pattern/choices) as run checks a given value. */
function checkInputDefaults(rb: RunbookData, report: Report): void {
  const check = (inputs: Readonly<Record<string, Input>> | undefined, base: PathKey[]) => {
    for (const [name, spec] of Object.entries(inputs ?? {})) {
      if (!spec || spec.default === undefined || spec.default === null) continue;
      const { problem } = coerceInput(name, { ...spec, type: spec.type ?? 'string' }, spec.default);
      if (problem) report([...base, name, 'default'], `default of input ${problem.replace(/^[^:]*: /, `"${name}": `)}`);
    }
  };
  check(rb.inputs, ['inputs']);
  rb.procedures?.forEach((p, i) => check(p.inputs, ['procedures', i, 'inputs']));
}

/** A procedure's inherit: names inputs and prerequisites the runbook has. */
function checkInherit(rb: RunbookData, report: Report): void {
  const prerequisiteIds = rb.prerequisites.flatMap((c) => (c.id ? [c.id] : []));
  const inputNames = Object.keys(rb.inputs ?? {});
  (rb.procedures ?? []).forEach((p, i) => {
    const near = (word: string, known: string[]) => didYouMean(word, known);
    (p.inherit?.inputs ?? []).forEach((name, j) => {
      if (!inputNames.includes(name)) report(['procedures', i, 'inherit', 'inputs', j], `inherit: input "${name}" is not one of the runbook's inputs${near(name, inputNames)}: expected one of ${inputNames.join(', ') || '(none)'}`);
    });
    (p.inherit?.prerequisites ?? []).forEach((id, j) => {
      if (!prerequisiteIds.includes(id)) report(['procedures', i, 'inherit', 'prerequisites', j], `inherit: prerequisite "${id}" is not one of the runbook's prerequisite ids${near(id, prerequisiteIds)}: expected one of ${prerequisiteIds.join(', ') || '(none)'}`);
    });
  });
}

/** A step's accept: names rules that exist. */
function checkAccepted(rb: RunbookData, report: Report): void {
  const check = (steps: RunbookData['steps'], base: PathKey[]) =>
    steps.forEach((s, i) => {
      for (const rule of Object.keys(s.accept ?? {})) {
        if (!isRuleId(rule)) {
          const near = closestRule(rule);
          report([...base, i, 'accept'], `accept: "${rule}" is not a rule id${near ? ` (did you mean "${near}"?)` : ''}: expected one of ${Object.keys(RULES).join(', ')}`, rule);
        }
      }
    });
  check(rb.steps, ['steps']);
  rb.procedures.forEach((p, i) => check(p.steps, ['procedures', i, 'steps']));
}

/** The rule id closest to a misspelt one, when it is close enough to be what was meant. */
function closestRule(word: string): string | undefined {
  return closest(word, Object.keys(RULES), 4);
}

type Report = (path: PathKey[], message: string, key?: string) => void;

function checkUniqueIds(rb: RunbookData, report: Report): void {
  const unique = (items: { id?: string }[], base: PathKey[], what: string) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      if (item.id === undefined) return;
      const first = seen.get(item.id);
      if (first !== undefined) report([...base, i, 'id'], `duplicate ${what} id "${item.id}": already used by ${base.join('.')}[${first}]; expected every id to be unique`);
      else seen.set(item.id, i);
    });
  };
  const prerequisiteIds = new Set(rb.prerequisites.map((c) => c.id));
  rb.steps.forEach((s, i) => {
    if (prerequisiteIds.has(s.id)) report(['steps', i, 'id'], `step id "${s.id}" is also a prerequisite id; expected every id to be unique`);
  });
  unique(rb.steps, ['steps'], 'step');
  unique(rb.prerequisites, ['prerequisites'], 'prerequisite');
  unique(rb.troubleshooting, ['troubleshooting'], 'troubleshooting');
  unique(rb.procedures, ['procedures'], 'procedure');
  rb.procedures.forEach((p, i) => unique(p.steps, ['procedures', i, 'steps'], 'step'));
}

function checkReferences(rb: RunbookData, report: Report): void {
  const entries = new Set(rb.troubleshooting.map((t) => t.id));
  const known = [...entries].join(', ') || 'none defined';
  const check = (steps: RunbookData['steps'], base: PathKey[]) =>
    steps.forEach((s, i) =>
      s.troubleshoot.forEach((ref, j) => {
        if (!entries.has(ref)) report([...base, i, 'troubleshoot', j], `troubleshooting entry "${ref}" does not exist: expected one of ${known}`);
      }),
    );
  check(rb.steps, ['steps']);
  rb.procedures.forEach((p, i) => check(p.steps, ['procedures', i, 'steps']));
  const stepIds = new Set([...rb.prerequisites.map((c) => c.id), ...rb.steps.map((s) => s.id)]);
  rb.troubleshooting.forEach((t, i) => {
    // One set of criteria, or a list of alternatives: each is checked where it is written.
    matchCriteriaOf(t).forEach((m, k) => {
      const at: PathKey[] = Array.isArray(t.match) ? ['troubleshooting', i, 'match', k] : ['troubleshooting', i, 'match'];
      const steps = m.step === undefined ? [] : Array.isArray(m.step) ? m.step : [m.step];
      for (const s of steps) if (!stepIds.has(s)) report([...at, 'step'], `step "${s}" does not exist in this runbook`);
      // A bad /regex/ would never match: the entry would silently not be offered at 3 a.m.
      for (const key of ['error', 'check'] as const) {
        const text = m[key];
        const problem = typeof text === 'string' ? validateTextMatch(text) : null;
        if (problem) report([...at, key], problem);
      }
      if (Array.isArray(t.match) && !m.sqlstate && m.error === undefined && (m.check === undefined || m.check === false) && m.step === undefined) {
        report(at, 'these criteria say nothing: expected sqlstate, error, check or step');
      }
    });
  });
}

function checkActionCount(site: ActionSite, report: Report): void {
  const kinds = actionKinds(site.action);
  if (kinds.length > 1) {
    report(site.path, `${site.role} names ${kinds.join(' and ')}: expected exactly one of sql, sql_file, shell, confirm${site.role === 'check' || site.role === 'prerequisite' ? ', speedup, compare' : ''}`);
  } else if (kinds.length === 0 && site.required) {
    report(site.path, `${site.role} has nothing to do: expected one of sql, sql_file, shell, confirm${site.role === 'check' || site.role === 'prerequisite' ? ', speedup, compare' : ''}`);
  }
}

function checkConnection(rb: RunbookData, site: ActionSite, report: Report): void {
  const names = [site.action.connection, site.action.compare?.left.connection, site.action.compare?.right.connection];
  for (const name of names) {
    if (name !== undefined && !(name in rb.connections)) {
      report([...site.path], `connection "${name}" is not defined: expected one of ${Object.keys(rb.connections).join(', ') || '(none: add a connections: section)'}`);
    }
  }
}

/** Parses SQL with PostgreSQL's own parser and checks that its placeholders name declared inputs. */
function checkSql(inputs: Readonly<Record<string, Input>>, sql: string, path: PathKey[], file: string | undefined, locate: Locator, problems: Problem[]): void {
  // Positions inside a sql_file are its own; inline SQL is placed relative to where its value starts in the YAML.
  const at = (line: number, column: number, message: string): Problem => {
    if (file) return { file: resolve(locate.file, '..', file), line, column, message };
    const where = locate.at(path, '');
    if (sqlStartsOnNextLine(sql)) return { file: where.file, line: where.line + line, column, message };
    return { file: where.file, line: where.line, column: where.column + column - 1, message };
  };
  let placeholders: ReturnType<typeof placeholdersIn> = [];
  try {
    placeholders = placeholdersIn(sql);
  } catch {
    // A malformed placeholder is reported by splitSql below, with its position.
  }
  for (const p of placeholders) {
    if (!(p.name in inputs)) problems.push(at(p.line, p.column, `{{ inputs.${p.name} }} names no input: expected one of ${Object.keys(inputs).join(', ') || '(none: declare it under inputs:)'}`));
  }
  let statements: ReturnType<typeof splitSql> = [];
  try {
    statements = splitSql(sql);
  } catch (err) {
    const e = err as { line?: number; column?: number; message: string };
    problems.push(at(e.line ?? 1, e.column ?? 1, `SQL does not parse: ${e.message}`));
  }
  // Bind each statement as run will, with sample values: a placeholder inside a string literal, a comment,
  // or a statement that takes no parameters is refused now, with the same words run would use.
  if (placeholders.length === 0 || placeholders.some((p) => !(p.name in inputs))) return;
  const samples = Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, sampleValue(spec)]));
  for (const stmt of statements) {
    try {
      bindPlaceholders(stmt.text, samples, { line: stmt.line, column: stmt.column, tree: parseTreeOf(stmt) });
    } catch (err) {
      if (err instanceof PlaceholderError) problems.push(at(err.line, err.column, err.message));
    }
  }
}

/** A value of the input's type, to bind with when nothing is given yet: only where it lands is checked. */
function sampleValue(spec: Input): string | number | boolean {
  if (spec.type === 'integer' || spec.type === 'number') return 1;
  if (spec.type === 'boolean') return true;
  return 'sample_name';
}

/** A YAML block scalar (|) starts on the line after its key, so its line 1 is one further down. */
function sqlStartsOnNextLine(sql: string): boolean {
  return sql.includes('\n');
}

function forEachExpectation(rb: RunbookData, visit: (e: Expectation, path: PathKey[]) => void): void {
  const stepLike = (s: { expect?: Expectation; verify?: { expect?: Expectation }[] }, path: PathKey[]) => {
    if (s.expect) visit(s.expect, [...path, 'expect']);
    s.verify?.forEach((c, j) => c.expect && visit(c.expect, [...path, 'verify', j, 'expect']));
  };
  rb.prerequisites.forEach((c, i) => stepLike(c, ['prerequisites', i]));
  rb.steps.forEach((s, i) => stepLike(s, ['steps', i]));
  rb.procedures.forEach((p, pi) => p.steps.forEach((s, i) => stepLike(s, ['procedures', pi, 'steps', i])));
}

function checkConditions(expect: Expectation, path: PathKey[], report: Report): void {
  const one = (value: unknown, at: PathKey[]) => {
    const problem = validateCondition(value as string);
    if (problem) report(at, problem);
  };
  for (const key of ['rows', 'duration', 'exit_code'] as const) {
    if (expect[key] === undefined) continue;
    one(expect[key], [...path, key]);
    // Run compares these with a number (a count, an exit code) or a duration: another type never holds.
    const typed = conditionTypeProblem(expect[key] as string, key === 'duration' ? 'duration' : 'count');
    if (typed) report([...path, key], `${key}: ${typed}`);
  }
  // Text checks: a bad /regex/ must fail at load time, not pass silently at 3 a.m.
  for (const key of ['notices', 'output', 'not_output', 'plan', 'not_plan'] as const) {
    const value = expect[key];
    for (const text of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
      const problem = validateTextMatch(text);
      if (problem) report([...path, key], problem);
    }
  }
  for (const key of ['row', 'every_row', 'some_row'] as const) {
    for (const [col, cond] of Object.entries(expect[key] ?? {})) one(cond, [...path, key, col]);
  }
}
