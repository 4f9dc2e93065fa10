// shell flood: a shell step printing 100 MiB, against `cat` of the same file.
import { join } from 'node:path';
import { paired } from '../lib/measure.js';
import { limitFigure, MiB, rss, runbook, timed, wall, type Case } from '../lib/types.js';
import { caseDir, floodFile, shellStepRunbook } from './files.js';

export const shellFlood: Case = {
  name: 'shell-flood',
  title: 'shell flood',
  compared: 'a shell step printing 100 MiB (plain mode) vs `cat` of the same file',
  async run(ctx) {
    const dir = caseDir(ctx.tmp, 'shell-flood');
    const data = await floodFile(dir, 100);
    const file = shellStepRunbook(dir, 'flood', `cat '${data}'`);
    const program = runbook(ctx, ['run', file, '--db', ctx.url, '--plain', '--yes'], { stateDir: join(dir, 'state') });
    const r = await paired(timed(ctx, program), timed(ctx, { argv: ['cat', data] }), ctx);
    const w = limitFigure('wall', 'ms', wall(r.program), Infinity, '(no target)', wall(r.baseline));
    return { status: 'measured', figures: [limitFigure('peak memory', 'KiB', rss(r.program), 150 * MiB, '< 150 MiB', rss(r.baseline)), w] };
  },
};
