// cold start: `runbook validate runbooks/*.yaml` against `node -e 0`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { paired } from '../lib/measure.js';
import { ratioFigure, runbook, timed, wall, type Case } from '../lib/types.js';
import { caseDir } from './files.js';

export const coldStart: Case = {
  name: 'cold-start',
  title: 'cold start',
  compared: '`runbook validate runbooks/*.yaml` vs `node -e 0`',
  async run(ctx) {
    const files = readdirSync(join(ctx.root, 'runbooks'))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => join('runbooks', f));
    // Exit 1 means validate found problems in a runbook: still a full validation, so still measured.
    const program = runbook(ctx, ['validate', ...files], { stateDir: join(caseDir(ctx.tmp, 'cold-start'), 'state'), cwd: ctx.root, okExit: [0, 1] });
    const r = await paired(timed(ctx, program), timed(ctx, { argv: [process.execPath, '-e', '0'] }), ctx);
    const failing = r.program.some((s) => s.exitCode !== 0);
    return {
      status: 'measured',
      figures: [ratioFigure('wall', 'ms', wall(r.program), wall(r.baseline), 3, `${files.length} runbooks${failing ? '; validate reported problems in one of them' : ''}`)],
    };
  },
};
