// The hash a run's journal and a fleet keep of the runbook and its sql_files
// (journal/record.ts runbookHash) hashes a large sql_file in slices: the bytes
// hashed, and so the hash, must be those of the whole text hashed at once
// (journals written before compare with it), whatever the text holds where a
// slice ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runbookHash } from '../../src/journal/record.js';
import type { Runbook } from '../../src/runbook/load.js';

/** The hash as it was computed before, each sql_file joined to its name and hashed at once. */
function wholeHash(file: string, sqlFiles: Map<string, string>): string {
  const h = createHash('sha256').update(readFileSync(file));
  for (const [name, text] of [...sqlFiles].sort(([a], [b]) => a.localeCompare(b))) h.update(`\0${name}\0${text}`);
  return h.digest('hex');
}

test('a runbook hashed with its sql_files in slices hashes as it did whole, whatever a slice ends on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rb-hash-'));
  try {
    const file = join(dir, 'r.yaml');
    writeFileSync(file, 'runbook: 1\nid: h\n');
    // Emoji (surrogate pairs) at every offset, accents, a lone surrogate, a NUL.
    const mixed = Array.from({ length: 40 }, (_, i) => `${'x'.repeat(i % 7)}😀é✓\n`).join('') + '\uD800 lone\0end';
    const big = `${'a'.repeat((1 << 20) - 1)}😀${'b'.repeat(1 << 20)}`; // a pair across the default slice's end
    const sqlFiles = new Map([['b.sql', mixed], ['a.sql', big], ['c.sql', '']]);
    const rb = { file, sqlFiles } as unknown as Runbook;
    const expected = wholeHash(file, sqlFiles);
    assert.equal(runbookHash(rb), expected);
    for (const chunk of [1, 2, 3, 5, 7, 64]) assert.equal(runbookHash(rb, chunk), expected, `slices of ${chunk}`);
    assert.notEqual(runbookHash({ file, sqlFiles: new Map([['b.sql', `${mixed} `]]) } as unknown as Runbook), wholeHash(file, new Map([['b.sql', mixed]])));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
