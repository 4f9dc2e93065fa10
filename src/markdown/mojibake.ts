// Repairs UTF-8 text that was once decoded as Windows-1252 or Mac Roman
// ("Ã—" for "×", "âœ…" for "✅", "üìã" for "📋"). Runbook documents pasted
// through old editors and wikis carry these, and an operator comparing
// "expected output" with real output must not be misled by them.

const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const MAC_ROMAN_HIGH =
  '\u00c4\u00c5\u00c7\u00c9\u00d1\u00d6\u00dc\u00e1\u00e0\u00e2\u00e4\u00e3\u00e5\u00e7\u00e9\u00e8' +
  '\u00ea\u00eb\u00ed\u00ec\u00ee\u00ef\u00f1\u00f3\u00f2\u00f4\u00f6\u00f5\u00fa\u00f9\u00fb\u00fc' +
  '\u2020\u00b0\u00a2\u00a3\u00a7\u2022\u00b6\u00df\u00ae\u00a9\u2122\u00b4\u00a8\u2260\u00c6\u00d8' +
  '\u221e\u00b1\u2264\u2265\u00a5\u00b5\u2202\u2211\u220f\u03c0\u222b\u00aa\u00ba\u03a9\u00e6\u00f8' +
  '\u00bf\u00a1\u00ac\u221a\u0192\u2248\u2206\u00ab\u00bb\u2026\u00a0\u00c0\u00c3\u00d5\u0152\u0153' +
  '\u2013\u2014\u201c\u201d\u2018\u2019\u00f7\u25ca\u00ff\u0178\u2044\u20ac\u2039\u203a\ufb01\ufb02' +
  '\u2021\u00b7\u201a\u201e\u2030\u00c2\u00ca\u00c1\u00cb\u00c8\u00cd\u00ce\u00cf\u00cc\u00d3\u00d4' +
  '\uf8ff\u00d2\u00da\u00db\u00d9\u0131\u02c6\u02dc\u00af\u02d8\u02d9\u02da\u00b8\u02dd\u02db\u02c7';

type ByteTable = Map<string, number>;

function cp1252Table(): ByteTable {
  const table: ByteTable = new Map();
  [...CP1252_HIGH].forEach((ch, i) => table.set(ch, 0x80 + i));
  for (let b = 0xa0; b <= 0xff; b++) table.set(String.fromCharCode(b), b); // Latin-1 half
  return table;
}

function macRomanTable(): ByteTable {
  const table: ByteTable = new Map();
  [...MAC_ROMAN_HIGH].forEach((ch, i) => table.set(ch, 0x80 + i));
  return table;
}

const TABLES = [cp1252Table(), macRomanTable()];
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Length of the UTF-8 sequence a lead byte starts, or 0 if it is no lead byte. */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** Decodes the mis-decoded character sequence starting at chars[i] with one table, if it is one. */
function repairAt(chars: string[], i: number, table: ByteTable): { text: string; used: number } | undefined {
  const lead = table.get(chars[i]);
  const length = lead === undefined ? 0 : sequenceLength(lead);
  if (length === 0 || i + length > chars.length) return undefined;
  const bytes = [lead as number];
  for (let k = 1; k < length; k++) {
    const b = table.get(chars[i + k]);
    if (b === undefined || b < 0x80 || b > 0xbf) return undefined;
    bytes.push(b);
  }
  try {
    return { text: strictUtf8.decode(Uint8Array.from(bytes)), used: length };
  } catch {
    return undefined;
  }
}

export function repairMojibake(text: string): string {
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; ) {
    const fixed = chars[i] > '\x7f' ? (repairAt(chars, i, TABLES[0]) ?? repairAt(chars, i, TABLES[1])) : undefined;
    if (fixed) {
      out += fixed.text;
      i += fixed.used;
    } else {
      out += chars[i++];
    }
  }
  return out;
}
