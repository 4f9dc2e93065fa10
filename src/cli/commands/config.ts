// `runbook config`: the settings (who the record names, whether runs are also
// recorded in the target, more runbook folders), shown, read and changed from
// the command line instead of by editing runbook.json by hand.
import { stderrLine, stdoutLine } from '../write.js';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { openStore, operatorName, type Settings } from '../../journal/store.js';
import { EXIT } from '../exit-codes.js';

type Key = keyof Settings;

/** Every setting: what it is for, what it is when unset, and how a value typed on the command line is read. */
const SETTINGS: Record<Key, { about: string; unset: () => string; parse: (text: string) => Settings[Key] }> = {
  operator: {
    about: 'the name the run record gives the person running (RUNBOOK_OPERATOR wins over it)',
    unset: () => (process.env.RUNBOOK_OPERATOR?.trim() ? `${operatorName({})} (from RUNBOOK_OPERATOR)` : `${operatorName({})} (your user @ this host)`),
    parse: (text) => {
      if (text.trim() === '') throw new Error('operator: expected a name, found nothing');
      return text.trim();
    },
  },
  recordInDb: {
    about: 'also record every run in the target database (as --record-in-db)',
    unset: () => 'false',
    parse: (text) => {
      if (text === 'true' || text === 'false') return text === 'true';
      throw new Error(`recordInDb: expected true or false, found "${text}"`);
    },
  },
  runbookDirs: {
    about: 'more folders of runbooks for the picker and `runbook list`, after ./runbooks and RUNBOOK_PATH',
    unset: () => '(none)',
    // Colon separated, like RUNBOOK_PATH; kept absolute, since the setting applies wherever runbook is started.
    parse: (text) => text.split(':').filter((d) => d.trim() !== '').map((d) => resolve(d)),
  },
  allowedDirs: {
    about: 'folders outside a runbook’s own folder tree whose files runbooks may use (sql_file, cwd, sqlite)',
    unset: () => '(none: only the runbook’s own folder tree)',
    parse: (text) => text.split(':').filter((d) => d.trim() !== '').map((d) => resolve(d)),
  },
};

const KEYS = Object.keys(SETTINGS) as Key[];

function keyOf(name: string): Key {
  if ((KEYS as string[]).includes(name)) return name as Key;
  throw new Error(`no setting "${name}": the settings are ${KEYS.join(', ')}`);
}

function shown(value: Settings[Key]): string {
  return Array.isArray(value) ? value.join(':') : String(value);
}

export interface ConfigOptions {
  stateDir?: string;
}

export function configCommand(args: string[], opts: ConfigOptions, out: (line: string) => void, err: (line: string) => void): number {
  const [action, name, ...rest] = args;
  try {
    const store = openStore(opts.stateDir);
    if (action === undefined) {
      const settings = store.settings();
      out(`settings file: ${store.settingsFile}`);
      for (const key of KEYS) {
        const value = settings[key];
        out(`${key.padEnd(12)} ${value === undefined ? `${SETTINGS[key].unset()}  [not set]` : shown(value)}`);
        out(`${''.padEnd(12)} ${SETTINGS[key].about}`);
      }
      return EXIT.done;
    }
    if (action === 'get' && name !== undefined && rest.length === 0) {
      const value = store.settings()[keyOf(name)];
      out(value === undefined ? '' : shown(value));
      return EXIT.done;
    }
    if (action === 'set' && name !== undefined && rest.length > 0) {
      const key = keyOf(name);
      const value = SETTINGS[key].parse(rest.join(' '));
      const next = store.changeSettings((settings) => ({ ...settings, [key]: value }));
      out(`${key} = ${shown(next[key]!)}  (${store.settingsFile})`);
      return EXIT.done;
    }
    if (action === 'unset' && name !== undefined && rest.length === 0) {
      const key = keyOf(name);
      store.changeSettings(({ [key]: _gone, ...others }) => others);
      out(`${key} is no longer set: ${SETTINGS[key].unset()}`);
      return EXIT.done;
    }
    err('usage: runbook config [get KEY | set KEY VALUE | unset KEY]');
    return EXIT.usage;
  } catch (e) {
    err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.usage;
  }
}

export function register(program: Command): void {
  program
    .command('config')
    .description(`show or change the settings: ${KEYS.join(', ')}`)
    .argument('[action...]', 'nothing to show them all, or: get KEY | set KEY VALUE | unset KEY')
    .option('--state-dir <dir>', 'where runs and settings are kept (default: RUNBOOK_STATE_DIR, then the user config folder)')
    .action((args: string[], opts: ConfigOptions) => {
      process.exitCode = configCommand(args, opts, stdoutLine, stderrLine);
    });
}
