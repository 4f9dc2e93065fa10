// A node:test reporter that writes only the failures, one block each: the test's name (indented by
// its depth; a parent fails after its subtests), its file and the first lines of its error.
// scripts/test.js prints them after the TAP stream, so a failure is named at the end of a long run
// and not only far above it; CI repeats them at its very end.
const MAX_ERROR_CHARS = 1500;

function errorText(error) {
  if (!error) return '';
  // node:test wraps the test's own error: the cause is what the test threw.
  const cause = error.cause ?? error;
  const full = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
  // node's own frames say nothing about the test.
  const text = full.split('\n').filter((line) => !/(\(|\bat )node:(internal|async_hooks)/.test(line)).join('\n');
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

export default async function* failuresReporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, nesting, file, details } = event.data;
    const indent = '  '.repeat(nesting);
    const where = file ? ` (${file})` : '';
    const error = errorText(details?.error)
      .split('\n')
      .map((line) => `${indent}    ${line}`)
      .join('\n');
    yield `${indent}not ok: ${name}${where}\n${error}\n`;
  }
}
