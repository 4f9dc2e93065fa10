// `npm run bench`: the program against psql (and node, and cat) on the same
// PostgreSQL in the same run. Prints a table of ratios, writes it to
// bench/results.md, and exits 1 only if a target is missed (2 if a case could
// not be measured). See bench/README.md.
//
//   npm run bench                               every case, 5 runs after 1 warm-up
//   npm run build && node dist/bench/run.js --case notice-storm --runs 7
//   node dist/bench/run.js --list
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtMiB, fmtMs, GNU_TIME, type Stats } from './lib/measure.js';
import { openServer } from './lib/server.js';
import { killServer } from './lib/tmux.js';
import type { Case, CaseResult, Context, Figure } from './lib/types.js';
import { coldStart } from './cases/cold-start.js';
import { commandStart } from './cases/command-start.js';
import { manySteps } from './cases/many-steps.js';
import { screenBigResult, screenNoticeStorm, screenStart } from './cases/screen.js';
import { shellFlood } from './cases/shell-flood.js';
import { bigResult, dataFix, manyStatements, noticeStorm } from './cases/sql.js';
import { lintMigration } from './cases/lint.js';
import { fleet } from './cases/fleet.js';
import { extraCaCertsNote, takeExtraCaCerts } from './lib/extra-ca-certs.js';

const CASES: Case[] = [coldStart, commandStart, screenStart, manyStatements, dataFix, bigResult, noticeStorm, shellFlood, manySteps, screenBigResult, screenNoticeStorm, lintMigration, fleet];

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RESULTS = join(ROOT, 'bench/results.md');
const BEGIN = '<!-- bench:begin (written by `npm run bench`; edit outside these marks) -->';
const END = '<!-- bench:end -->';

interface Args {
  cases: Case[];
  runs: number;
  warmup: number;
  write: boolean;
  keep: boolean;
  withoutExtraCaCerts: boolean;
}

function usage(message?: string): never {
  if (message) process.stderr.write(`bench: ${message}\n`);
  process.stderr.write(`usage: node dist/bench/run.js [--case NAME[,NAME…]]… [--runs N] [--warmup N] [--write | --no-write] [--keep] [--without-extra-ca-certs] [--list]
cases: ${CASES.map((c) => c.name).join(', ')}
`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const names: string[] = [];
  let runs = 5;
  let warmup = 1;
  let write: boolean | undefined;
  let keep = false;
  let withoutExtraCaCerts = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--case' || a === '-c') names.push(...value().split(','));
    else if (a.startsWith('--case=')) names.push(...a.slice(7).split(','));
    else if (a === '--runs') runs = Number(value());
    else if (a === '--warmup') warmup = Number(value());
    else if (a === '--write') write = true;
    else if (a === '--no-write') write = false;
    else if (a === '--keep') keep = true;
    else if (a === '--without-extra-ca-certs') withoutExtraCaCerts = true;
    else if (a === '--list') {
      for (const c of CASES) process.stdout.write(`${c.name.padEnd(22)} ${c.compared}\n`);
      process.exit(0);
    } else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(runs) || runs < 1) usage('--runs must be a whole number ≥ 1');
  if (!Number.isInteger(warmup) || warmup < 0) usage('--warmup must be a whole number ≥ 0');
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n));
  if (unknown.length) usage(`no case ${unknown.join(', ')}`);
  const cases = names.length ? CASES.filter((c) => names.includes(c.name)) : CASES;
  // A partial run does not overwrite the committed table unless asked to.
  return { cases, runs, warmup, write: write ?? names.length === 0, keep, withoutExtraCaCerts };
}

function tool(argv: string[]): string | null {
  try {
    return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return null;
  }
}

function preflight(): { psql: string } {
  const problems: string[] = [];
  if (!existsSync(GNU_TIME) || tool([GNU_TIME, '-f', '%M', 'true']) === null) problems.push(`GNU time is needed at ${GNU_TIME} for peak memory and CPU time (Debian/Ubuntu: apt-get install -y time)`);
  const psql = tool(['psql', '--version']);
  if (!psql) problems.push('psql is needed on PATH: every case compares with it (Debian/Ubuntu: apt-get install -y postgresql-client)');
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) problems.push('the program is not built: run `npm run build` (or use `npm run bench`)');
  if (problems.length) {
    for (const p of problems) process.stderr.write(`bench: ${p}\n`);
    process.exit(2);
  }
  return { psql: psql! };
}

function show(unit: Figure['unit'], v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (unit === 'KiB') return fmtMiB(v);
  if (unit === '/s') return `${v.toFixed(1)}/s`;
  return fmtMs(v);
}

function cell(unit: Figure['unit'], s: Stats | undefined): string {
  if (!s) return '—';
  return `${show(unit, s.median)} (${show(unit, s.min)}–${show(unit, s.max)})`;
}

interface Done {
  c: Case;
  result: CaseResult;
}

function table(done: Done[]): string {
  const rows = [
    '| case | metric | runbook: median (min–max) | baseline: median (min–max) | ratio | target | result |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const { c, result } of done) {
    if (result.status !== 'measured') {
      rows.push(`| ${c.title} | — | — | — | — | — | ${result.status === 'error' ? '**ERROR**' : 'not available'}: ${oneLine(result.note ?? '')} |`);
      continue;
    }
    for (const f of result.figures) {
      const verdict = f.target.startsWith('(') ? 'info' : f.ok ? 'met' : '**MISSED**';
      rows.push(`| ${c.title} | ${f.metric} | ${cell(f.unit, f.program)} | ${cell(f.unit, f.baseline)} | ${f.ratio === undefined ? '—' : `${f.ratio.toFixed(2)}×`} | ${f.target} | ${verdict}${f.note ? ` (${oneLine(f.note)})` : ''} |`);
    }
  }
  return rows.join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ⏎ ').replace(/\|/g, '\\|').slice(0, 300);
}

function writeResults(body: string): void {
  const old = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  const b = old.indexOf(BEGIN);
  const e = old.indexOf(END);
  const next = b >= 0 && e > b ? `${old.slice(0, b)}${BEGIN}\n${body}\n${old.slice(e)}` : `# Benchmark results\n\n${BEGIN}\n${body}\n${END}\n${old ? `\n${old}` : ''}`;
  writeFileSync(RESULTS, next);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Before any process starts: the server, tmux and every case inherit this environment.
  const extraCa = takeExtraCaCerts(args.withoutExtraCaCerts);
  const { psql } = preflight();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const tmp = mkdtempSync(join(tmpdir(), 'runbook-bench-'));
  const server = await openServer(log);
  const loadBefore = loadavg();
  const ctx: Context = { root: ROOT, tmp, url: server.url, runs: args.runs, warmup: args.warmup, log, shared: new Map() };
  const done: Done[] = [];
  const started = new Date();
  let extraCaNote = '';
  try {
    extraCaNote = await extraCaCertsNote(ctx, extraCa);
    for (const c of args.cases) {
      log(`bench: ${c.name} — ${c.compared}`);
      let result: CaseResult;
      try {
        result = await c.run(ctx);
      } catch (e) {
        result = { status: 'error', figures: [], note: e instanceof Error ? e.message : String(e) };
        log(`bench: ${c.name} failed: ${result.note}`);
      }
      done.push({ c, result });
      if (result.status !== 'measured') log(`bench: ${c.name}: ${result.status}${result.note ? `: ${result.note}` : ''}`);
    }
  } finally {
    await killServer();
    await server.stop().catch(() => {});
    if (!args.keep) rmSync(tmp, { recursive: true, force: true });
    else log(`bench: generated files kept in ${tmp}`);
  }
  const loadAfter = loadavg();
  const env = [
    `Measured ${started.toISOString().replace(/\.\d+Z$/, 'Z')} · ${args.runs} runs after ${args.warmup} warm-up, program and baseline alternating · whole processes: wall by the bench's clock, peak RSS and CPU by GNU time`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} · load average ${loadBefore[0].toFixed(1)} before, ${loadAfter[0].toFixed(1)} after · Node ${process.version} · ${psql} · PostgreSQL ${server.version} (${server.description})`,
    extraCaNote,
  ].join('  \n');
  const body = `${env}\n\n${table(done)}`;
  process.stdout.write(`\n${body}\n`);
  if (args.write && args.runs < 5) log(`bench: not writing ${RESULTS}: its figures are medians of at least 5 runs (this was --runs ${args.runs})`);
  else if (args.write) {
    writeResults(body);
    log(`bench: table written to ${RESULTS}`);
  }
  const missed = done.flatMap(({ c, result }) => result.figures.filter((f) => !f.ok && !f.target.startsWith('(')).map((f) => `${c.name} ${f.metric}`));
  const errors = done.filter(({ result }) => result.status === 'error').map(({ c }) => c.name);
  if (missed.length) log(`bench: target missed: ${missed.join(', ')}`);
  if (errors.length) log(`bench: could not measure: ${errors.join(', ')}`);
  const code = missed.length ? 1 : errors.length ? 2 : 0;
  // The PostgreSQL parser's WASM runtime (loaded by the screen cases) resets
  // process.exitCode when it winds down: the verdict is set again at exit.
  process.exitCode = code;
  process.once('exit', () => {
    process.exitCode = code;
  });
}

await main();
