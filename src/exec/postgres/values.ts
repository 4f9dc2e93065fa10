// How column values come back from the server. pg's defaults suit programs,
// not an operator comparing what they see with psql: a bigint count arrives as
// a string and a timestamp as a JS Date in the local time zone. We keep bigint
// as a number when it fits exactly, and every date/time type as the server's
// own text, so a check reads and prints exactly what psql would show.
import pg from './pg.js';

const AS_TEXT = new Set<number>([
  1082, // date
  1083, // time
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  1266, // timetz
  1182, // date[]
  1183, // time[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1270, // timetz[]
]);
const INT8 = 20;

function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

const identity = (text: string): string => text;

/** The `types` option for every client this module opens. */
export const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (format !== 'binary') {
      if (oid === INT8) return parseInt8;
      if (AS_TEXT.has(oid)) return identity;
    }
    return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
  },
};
