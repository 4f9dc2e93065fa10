// Fuzz: 500 malformed runbooks, generated from a seed by mutating a valid one
// (escape sequences, control and bidi characters, invalid UTF-8, deep
// nesting, alias bombs, huge values, hostile paths, truncation, random
// bytes). Each is validated: none may take over 10 s, none may print a stack
// trace, and no raw control character may reach the output — checked on the
// bytes the real CLI writes for a batch of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunbook } from '../../src/runbook/load.js';
import { formatProblem } from '../../src/runbook/problems.js';
import { printable } from '../../src/present/escape.js';
import { runCli } from '../support/cli.js';
import { seededRandom } from '../support/random.js';

const SEED = 0x5ec2e7;
const COUNT = 500;


const BASE = `runbook: 1
id: fuzz
title: Fuzzed runbook
inputs:
  n: { type: integer, default: 1 }
steps:
  - id: one
    title: First step
    sql: SELECT {{ inputs.n }}
    verify:
      - title: it is one
        sql: SELECT 1 AS x
        expect: { row: { x: 1 } }
  - id: two
    title: Second step
    shell: echo hello
checklist:
  - Done
`;

const HOSTILE = ['\u001b]0;pwned\u0007', '\u001b[2J', '\u001b[31m', '\u009b2J', '\u0000', '\u007f', '\u202eevil', '\r', '\u0008', '`<img src=x>`', '\uFEFF'];

function mutate(r: () => number, i: number): Buffer {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const lines = BASE.split('\n');
  const at = Math.floor(r() * lines.length);
  switch (i % 10) {
    case 0: // escape sequences in a key, a title, a value
      lines[at] = `${lines[at]}${pick(HOSTILE)}`;
      return Buffer.from(`${lines.join('\n')}\n${pick(HOSTILE)}key${pick(HOSTILE)}: ${pick(HOSTILE)}\n`);
    case 1: // invalid UTF-8 somewhere
      return Buffer.concat([Buffer.from(lines.slice(0, at).join('\n')), Buffer.from([pick([0xff, 0xc3, 0xe9, 0x80, 0xed])]), Buffer.from(lines.slice(at).join('\n'))]);
    case 2: // deep nesting, flow or block
      return Buffer.from(r() < 0.5 ? `${BASE}x: ${'['.repeat(1000 + Math.floor(r() * 9000))}\n` : `${BASE}x:\n${Array.from({ length: 70 + Math.floor(r() * 200) }, (_, d) => `${' '.repeat(d + 1)}k:`).join('\n')} 1\n`);
    case 3: // an alias bomb
      return Buffer.from(`${BASE}a: &a ["x","x","x","x","x","x","x","x","x","x"]\n${Array.from({ length: 8 }, (_, k) => `${String.fromCharCode(98 + k)}: &${String.fromCharCode(98 + k)} [${Array(10).fill(`*${String.fromCharCode(97 + k)}`).join(',')}]`).join('\n')}\n`);
    case 4: // a long value with control characters
      return Buffer.from(BASE.replace('Fuzzed runbook', `"${'A\\u001b[2J'.repeat(1000 + Math.floor(r() * 20000))}"`));
    case 5: // hostile paths
      return Buffer.from(BASE.replace('sql: SELECT {{ inputs.n }}', `sql_file: ${pick(['../../../../../../etc/passwd', '/etc/shadow', '/dev/zero', '..', '/proc/self/environ', 'nul\u0000l.sql'])}`));
    case 6: // truncated anywhere
      return Buffer.from(BASE.slice(0, Math.floor(r() * BASE.length)));
    case 7: { // random bytes spliced in
      const bytes = Buffer.from(BASE);
      for (let k = 0; k < 1 + Math.floor(r() * 20); k++) bytes[Math.floor(r() * bytes.length)] = Math.floor(r() * 256);
      return bytes;
    }
    case 8: // wrong types, unknown keys with control characters, duplicate keys
      return Buffer.from(`${BASE}${pick(['steps: 5', 'id: [1]', 'title: {a: 1}', 'runbook: 2'])}\nunknown\u001b[1m${i}: x\n`);
    default: // lines shuffled
      for (let k = lines.length - 1; k > 0; k--) {
        const j = Math.floor(r() * (k + 1));
        [lines[k], lines[j]] = [lines[j], lines[k]];
      }
      return Buffer.from(lines.join('\n'));
  }
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
const STACK = /\n\s+at .+:\d+:\d+|Maximum call stack|RangeError|TypeError|ReferenceError/;

test(`${COUNT} malformed runbooks: each validated in under 10 s, no stack trace, no raw control character in the output`, async () => {
  const r = seededRandom(SEED);
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  mkdirSync(join(dir, 'runbooks'));
  const files: string[] = [];
  let slowest = 0;
  for (let i = 0; i < COUNT; i++) {
    const file = join(dir, 'runbooks', `f${i}.yaml`);
    writeFileSync(file, mutate(r, i));
    files.push(file);
    const started = performance.now();
    const loaded = await loadRunbook(file, { allowedDirs: [] }).catch((e: unknown) => ({ ok: false as const, problems: [], thrown: e }));
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    assert.ok(ms < 10_000, `seed ${SEED}, file ${i}: ${ms.toFixed(0)} ms`);
    assert.ok(!('thrown' in loaded), `seed ${SEED}, file ${i} threw: ${'thrown' in loaded ? String(loaded.thrown) : ''}`);
    const text = loaded.ok ? '' : loaded.problems.map(formatProblem).join('\n');
    assert.doesNotMatch(text, STACK, `seed ${SEED}, file ${i}`);
    assert.doesNotMatch(printable(text), RAW_CONTROL, `seed ${SEED}, file ${i}`);
  }
  // The bytes the real program writes, for a batch (one process: starting 500 would take minutes).
  const batch = files.filter((_, i) => i % 5 === 0);
  const cli = await runCli(['validate', ...batch]);
  assert.equal(cli.code, 2, 'a runbook problem, not a crash');
  const bytes = cli.stdout + cli.stderr;
  assert.doesNotMatch(bytes, STACK);
  assert.doesNotMatch(bytes, RAW_CONTROL);
  assert.ok(bytes.includes('\\u001b'), 'escape sequences are shown escaped');
  assert.ok(slowest < 10_000, `slowest: ${slowest.toFixed(0)} ms`);
});
