// The bundle's pg-protocol is edited as it is bundled (scripts/esbuild-patches.js):
// a one-byte ASCII string is read as its character, and a notice's or an
// error's fields are decoded in one call and cut at their NUL bytes. Here
// pg-protocol is bundled with those same plugins and fed the same bytes as
// pg-protocol itself, unedited: seeded messages with every kind of field
// (ASCII, accents, CJK, emoji, bytes that are not UTF-8, empty, repeated
// codes, a code beyond ASCII), between rows and command tags, cut into random
// chunks. Every message must come out identical. The end-to-end check of the
// bundled program against a real server is test/integration/bundled-protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from '../support/cli.js';
import { seededRandom } from '../support/random.js';

type Parser = { parse(buffer: Buffer, callback: (message: object) => void): void };
type ParserClass = new () => Parser;

async function patchedParser(dir: string): Promise<{ Parser: ParserClass; text: string }> {
  const { build } = await import('esbuild');
  const patches = (await import(pathToFileURL(join(root, 'scripts', 'esbuild-patches.js')).href)) as Record<string, import('esbuild').Plugin>;
  const entry = join(dir, 'entry.cjs');
  const out = join(dir, 'parser.cjs');
  writeFileSync(entry, "module.exports = require('pg-protocol/dist/parser.js');\n");
  await build({ entryPoints: [entry], outfile: out, bundle: true, format: 'cjs', platform: 'node', target: 'node20', logLevel: 'error', nodePaths: [join(root, 'node_modules')], plugins: [patches.pgProtocolOneByteStrings, patches.pgProtocolFieldsAtOnce] });
  return { Parser: (createRequire(out)(out) as { Parser: ParserClass }).Parser, text: readFileSync(out, 'utf8') };
}

const CODES = 'SVCMDHPpqWstcdnFLR';
const VALUES = ['', 'NOTICE', '00000', 'notice number 42 of a storm', 'déjà vu', '東京タワー', '🙂 emoji 🚀', 'PL/pgSQL function inline_code_block line 4 at RAISE', 'x'];

/** One backend message: a type byte, its length, its body. */
function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function randomValue(rnd: () => number): Buffer {
  const pick = rnd();
  if (pick < 0.15) {
    // Bytes that are not (or not whole) UTF-8: lone continuations, cut sequences, bytes never in UTF-8.
    return Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => 0x80 + Math.floor(rnd() * 0x80)));
  }
  const parts = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => VALUES[Math.floor(rnd() * VALUES.length)]);
  const text = Buffer.from(parts.join(' '));
  // Now and then a multi-byte character cut at the field's end.
  return rnd() < 0.1 && text.length > 1 ? text.subarray(0, text.length - 1) : text;
}

function noticeOrError(rnd: () => number): Buffer {
  const fields: Buffer[] = [];
  const count = Math.floor(rnd() * 12);
  for (let i = 0; i < count; i++) {
    const r = rnd();
    // Mostly the codes PostgreSQL sends (repeats included), now and then any ASCII byte, rarely one beyond ASCII.
    const code = r < 0.85 ? CODES.charCodeAt(Math.floor(rnd() * CODES.length)) : r < 0.97 ? 1 + Math.floor(rnd() * 0x7f) : 0x80 + Math.floor(rnd() * 0x80);
    fields.push(Buffer.from([code]), randomValue(rnd), Buffer.from([0]));
  }
  fields.push(Buffer.from([0]));
  return message(rnd() < 0.7 ? 'N' : 'E', Buffer.concat(fields));
}

function otherMessage(rnd: () => number): Buffer {
  if (rnd() < 0.5) return message('C', Buffer.concat([Buffer.from(`INSERT 0 ${Math.floor(rnd() * 100)}`), Buffer.from([0])]));
  // A data row of one-byte and longer values (the one-byte read) and a NULL.
  const values = [Buffer.from('x'), Buffer.from('é'), Buffer.from([0xff]), randomValue(rnd)];
  const parts: Buffer[] = [Buffer.alloc(2)];
  parts[0].writeUInt16BE(values.length + 1, 0);
  for (const v of values) {
    const len = Buffer.alloc(4);
    len.writeInt32BE(v.length, 0);
    parts.push(len, v);
  }
  const nul = Buffer.alloc(4);
  nul.writeInt32BE(-1, 0);
  parts.push(nul);
  return message('D', Buffer.concat(parts));
}

/** What a parsed message holds: its own fields, and an error's name and message (not enumerable). */
const plain = (m: object) => ({ ...m, name: (m as { name?: unknown }).name, message: (m as { message?: unknown }).message, kind: m.constructor.name });

function parseAll(ParserClass: ParserClass, bytes: Buffer, cuts: number[]): object[] {
  const parser = new ParserClass();
  // A parser owns the chunks it is given (as a socket's are): it may write the next one into the last one's memory.
  const stream = Buffer.from(bytes);
  const got: object[] = [];
  let at = 0;
  for (const cut of [...cuts, stream.length]) {
    parser.parse(stream.subarray(at, cut), (m) => got.push(plain(m)));
    at = cut;
  }
  return got;
}

test('pg-protocol as bundled parses notices, errors and rows exactly as pg-protocol itself', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pg-protocol-patches-'));
  try {
    const patched = await patchedParser(dir);
    // The bundle holds the edited parser (the plugins fail the build when their text is not found).
    assert.match(patched.text, /const stop = text\d*\.indexOf\(["']\\0["'], at\d* \+ 1\);/);
    assert.match(patched.text, /if \(length === 1 && this\.buffer\[this\.offset\] < (0x80|128)\)/);
    const { Parser: Unedited } = createRequire(join(root, 'package.json'))('pg-protocol/dist/parser.js') as { Parser: ParserClass };
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const rnd = seededRandom(seed);
      const messages = Array.from({ length: 399 }, () => (rnd() < 0.8 ? noticeOrError(rnd) : otherMessage(rnd)));
      // A field code beyond ASCII that, with the first byte of its value, reads as one character (é): under a
      // code no property is read from, so the message is the same.
      messages.splice(Math.floor(rnd() * messages.length), 0, message('N', Buffer.from([0x53, 0x4e, 0, 0xc3, 0xa9, 0x78, 0, 0x4d, 0x6d, 0, 0])));
      const stream = Buffer.concat(messages);
      const cuts = Array.from({ length: 40 }, () => Math.floor(rnd() * stream.length)).sort((a, b) => a - b);
      const expected = parseAll(Unedited, stream, cuts);
      assert.equal(expected.length, 400);
      assert.deepStrictEqual(parseAll(patched.Parser, stream, cuts), expected, `seed ${seed}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
