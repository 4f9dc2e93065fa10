const t = () => performance.now();
const T0 = t(); let a = t();
const lap = (l) => { const b = t(); console.log(l.padEnd(40), (b - a).toFixed(0)); a = b; };
await import('../dist/src/cli/commands/validate.js'); lap('import validate.js');
const load = await import('../dist/src/runbook/load.js');
const sql = await import('../dist/src/sql/index.js');
await sql.ensureParser(); lap('ensureParser');
for (const f of ['002-multi-pair-support.yaml','003-alembic-adoption.yaml','004-timescaledb-migration.yaml']) { try { await load.loadRunbook('runbooks/'+f); } catch(e) { console.log(e.message) } lap(f); }
console.log('total', (t()-T0).toFixed(0), 'rss', (process.memoryUsage().rss/1048576).toFixed(0));
