// The floor under the SQL cases: Node and pg alone, with nothing of the
// program (no runbook, no parser, no journal, no output). It connects, sends a
// file's statements one by one (`each`) or the whole file as one query
// (`whole`, counting the notices it raises), and disconnects. Whatever this
// costs against psql, no program built on Node and pg can do better.
//
//   node dist/bench/floor/node-pg.js URL FILE each|whole
import pg from 'pg';
import { readFileSync } from 'node:fs';

const [url, file, mode] = process.argv.slice(2);
const client = new pg.Client({ connectionString: url });
await client.connect();
const text = readFileSync(file, 'utf8');
if (mode === 'each') {
  // The many-statements file is one `SELECT n;` per line.
  for (const statement of text.split(';').map((s) => s.trim()).filter(Boolean)) await client.query(statement);
} else {
  let notices = 0;
  client.on('notice', () => notices++);
  await client.query(text);
}
await client.end();
