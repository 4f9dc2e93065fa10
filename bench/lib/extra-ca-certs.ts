// NODE_EXTRA_CA_CERTS in the environment the bench is given. Node 20 reads
// and parses that file of certificates at every start, before any of a
// program's code runs: on the machine this was found on (the system's bundle
// of ~140 certificates), `node -e 0` took ~120 ms with it and ~30 ms without.
// Every Node process of the bench pays it, the program's and the baselines'
// (`node -e 0`, the floors), and psql never does. So the bench says so in its
// header, with the cost measured in the same run, and can measure without it.
import { fmtMs, paired, stats } from './measure.js';
import { timed, wall, type Context } from './types.js';

export const EXTRA_CA_CERTS = 'NODE_EXTRA_CA_CERTS';

/** What --without-extra-ca-certs found and did: the value it removed, if any. */
export interface ExtraCaCerts {
  value: string | undefined;
  removed: boolean;
}

/** Reads the variable, and with `remove` takes it out of this process's environment, which every case's processes inherit. */
export function takeExtraCaCerts(remove: boolean): ExtraCaCerts {
  const value = process.env[EXTRA_CA_CERTS] || undefined;
  if (remove) delete process.env[EXTRA_CA_CERTS];
  return { value, removed: remove && value !== undefined };
}

/** A header line for the results: whether the variable was set, and `node -e 0` with it and without it, in this run. */
export async function extraCaCertsNote(ctx: Context, found: ExtraCaCerts): Promise<string> {
  if (!found.value) return `${EXTRA_CA_CERTS}: not set`;
  const node = [process.execPath, '-e', '0'];
  const costs = await paired(
    timed(ctx, { argv: node, env: { [EXTRA_CA_CERTS]: found.value } }),
    timed(ctx, { argv: node, unset: [EXTRA_CA_CERTS] }),
    { runs: ctx.runs, warmup: ctx.warmup, log: () => {} },
  );
  const withIt = fmtMs(stats(wall(costs.program)).median);
  const without = fmtMs(stats(wall(costs.baseline)).median);
  const cost = `Node reads that file at every start, before any code runs: \`node -e 0\` took ${withIt} with it and ${without} without (medians of ${ctx.runs}). psql never reads it`;
  return found.removed
    ? `${EXTRA_CA_CERTS} (${found.value}) was removed from every process of this run (--without-extra-ca-certs). ${cost}.`
    : `${EXTRA_CA_CERTS} is set (${found.value}): every Node process here pays for it, the program's, \`node -e 0\` and the floors. ${cost}. --without-extra-ca-certs measures without it.`;
}
