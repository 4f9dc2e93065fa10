// Every command's start: `runbook COMMAND --help` against `node -e 0`.
// A command's --help loads exactly what the command itself loads (main.ts
// imports only the command named, and each command's module brings its own
// imports), parses the command line and prints: the start-up of that command
// with none of its work. validate's work is the cold-start case.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmtMs, interleaved } from '../lib/measure.js';
import { infoFigure, ratioFigure, runbook, timed, wall, type Case, type Figure } from '../lib/types.js';
import { caseDir } from './files.js';

/** Every command `runbook --help` lists, validate included (its start without its work). */
export const COMMANDS = ['validate', 'lint', 'schema', 'run', 'resume', 'rollback', 'history', 'config', 'report', 'list', 'show', 'export', 'import', 'fleet', 'worker', 'watch', 'approve'];

export const commandStart: Case = {
  name: 'command-start',
  title: 'command start',
  compared: '`runbook COMMAND --help` for each command vs `node -e 0`',
  async run(ctx) {
    const dir = caseDir(ctx.tmp, 'command-start');
    const stateDir = join(dir, 'state');
    // The floor: the program's one file started from its code cache the way bin/runbook.js starts it, nothing run.
    // CommonJS, as bin/runbook.js is.
    const floorScript = join(dir, 'bundle-only.cjs');
    writeFileSync(
      floorScript,
      `require(${JSON.stringify(join(ctx.root, 'bin', 'cached-script.js'))}).runCached(${JSON.stringify(join(ctx.root, 'dist', 'bundle', 'runbook.cjs'))});`,
    );
    const node = timed(ctx, { argv: [process.execPath, '-e', '0'] });
    const floor = timed(ctx, { argv: [process.execPath, floorScript] });
    const commands = COMMANDS.map((name) => timed(ctx, runbook(ctx, [name, '--help'], { stateDir, cwd: ctx.root })));
    const [b, f, ...c] = await interleaved([node, floor, ...commands], ctx, ([nb, nf, ...nc]) => {
      const slowest = nc.reduce((worst, s, i) => (s.wallMs > nc[worst].wallMs ? i : worst), 0);
      return `node -e 0 ${fmtMs(nb.wallMs)} · the bundle alone ${fmtMs(nf.wallMs)} · slowest ${COMMANDS[slowest]} ${fmtMs(nc[slowest].wallMs)}`;
    });
    const figures: Figure[] = COMMANDS.map((name, i) => ratioFigure(`${name} --help, wall`, 'ms', wall(c[i]), wall(b), 3));
    figures.push(infoFigure('floor: the bundle loaded, nothing run', 'ms', wall(f), wall(b), 'dist/bundle/runbook.cjs started from its code cache as bin/runbook.js starts it, no command loaded'));
    return { status: 'measured', figures };
  },
};
