// Identifier quoting. Always quoted, so reserved words, mixed case and odd
// characters all survive, and nothing in a name can end the identifier early.

/** Quote a name as a PostgreSQL identifier: wrap in double quotes, double any '"'. */
export function quoteIdent(name: string): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new RangeError('An identifier cannot be empty');
  }
  // PostgreSQL cannot store NUL in a name, and the protocol would cut the text there.
  if (name.includes('\0')) throw new RangeError('An identifier cannot contain a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}
