// Text that must (or must not) appear: a plain substring, or /regex/flags.
// Shared by output, plan, notices, error and troubleshooting matches.
import { shorten } from '../present/words.js';

const VALID_FLAGS = new Set(['d', 'i', 'm', 's', 'u', 'v']);
const REGEX_SHAPE = /^\/(.+)\/([A-Za-z]*)$/s;
const REGEX_METACHARACTERS = /[\\^$.*+?()[\]{}|]/;

/** True when a "/" inside the body is not escaped: then it is a path, not a regex literal. */
function hasUnescapedSlash(body: string): boolean {
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return true;
  }
  return false;
}

/**
 * Read "/pattern/flags" as a RegExp; null when the text is plain text.
 * Paths like "/var/lib/postgresql/16/main" or "/usr/bin" stay plain text,
 * but a regex with a typo in its flags ("/^Index Scan/x") is an error, not
 * silently plain text: in `not_plan` that typo would make the check always pass.
 * The g and y flags are dropped: they make RegExp.test stateful.
 */
export function parseRegexLiteral(text: string): RegExp | null {
  const match = REGEX_SHAPE.exec(text.trim());
  if (!match) return null;
  const [, body, flags] = match;
  if (hasUnescapedSlash(body)) return null;
  const unknown = [...flags].filter((f) => !VALID_FLAGS.has(f) && f !== 'g' && f !== 'y');
  if (unknown.length > 0) {
    if (!REGEX_METACHARACTERS.test(body)) return null;
    throw new Error(`${JSON.stringify(text)} looks like a regular expression, but "${unknown.join('')}" is not a flag (use i, m, s, u)`);
  }
  try {
    return new RegExp(body, [...new Set(flags.replace(/[gy]/g, ''))].join(''));
  } catch (error) {
    throw new Error(`${JSON.stringify(text)} is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
  }
}

export interface TextMatcher {
  /** As written in the runbook. */
  source: string;
  /** "contains \"CREATE INDEX\"" or "matches /^Index Scan/i". */
  describe: string;
  /** "does not contain \"Seq Scan\"" or "does not match /x/". */
  describeNot: string;
  test(text: string): boolean;
  /** The first line of text that matches, with its 1-based number. */
  findLine(text: string): { line: number; text: string } | null;
}

export function parseTextMatch(source: string, options: { ignoreCase?: boolean } = {}): TextMatcher {
  const regex = parseRegexLiteral(source);
  if (regex) {
    // Multi-line text is searched whole, so ^ and $ should also work per line.
    const whole = regex.flags.includes('m') ? regex : new RegExp(regex.source, `${regex.flags}m`);
    return {
      source,
      describe: `matches ${source.trim()}`,
      describeNot: `does not match ${source.trim()}`,
      test: (text) => whole.test(text),
      findLine: (text) => findLine(text, (line) => regex.test(line)) ?? (whole.test(text) ? { line: 1, text: text.split('\n')[0] } : null),
    };
  }
  const needle = options.ignoreCase ? source.toLowerCase() : source;
  const contains = (text: string) => (options.ignoreCase ? text.toLowerCase() : text).includes(needle);
  return {
    source,
    describe: `contains ${JSON.stringify(shorten(source, 60))}`,
    describeNot: `does not contain ${JSON.stringify(shorten(source, 60))}`,
    test: contains,
    findLine: (text) => findLine(text, contains) ?? (contains(text) ? { line: 1, text: text.split('\n')[0] } : null),
  };
}

function findLine(text: string, test: (line: string) => boolean): { line: number; text: string } | null {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (test(lines[i])) return { line: i + 1, text: lines[i] };
  return null;
}

/** For the loader: an error message for a bad /regex/, or null. */
export function validateTextMatch(source: string): string | null {
  try {
    parseRegexLiteral(source);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

export function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}
