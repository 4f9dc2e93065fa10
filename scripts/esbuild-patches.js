// esbuild plugins shared by scripts/bundle.js (the program's bundle) and the
// benchmark's floors (bench/lib/bundled-floor.ts), which must load the
// PostgreSQL parser and pg the way the program does to be its floors.

/**
 * A plugin that edits one library file as esbuild loads it: each [from, to]
 * replaced once (`replacements` may be a function of the file's path). The build fails, naming the plugin, when a `from` is no longer
 * in the file (the library changed: the edit must be looked at again).
 */
export function patchOnLoad(name, filter, what, replacements) {
  return {
    name,
    setup(b) {
      b.onLoad({ filter }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        let text = await readFile(args.path, 'utf8');
        for (const [from, to] of typeof replacements === 'function' ? replacements(args.path) : replacements) {
          if (!text.includes(from)) throw new Error(`${args.path}: ${what} changed; update the plugin ${name} (scripts/bundle.js, scripts/esbuild-patches.js)`);
          text = text.replace(from, () => to); // as written: no $ patterns
        }
        return { contents: text, loader: 'js' };
      });
    },
  };
}

/**
 * The parser's JavaScript (libpg-query: its Emscripten glue, and @pgsql/types)
 * is in the bundle, so in its code cache: kept outside, every command that
 * parses (run, validate, lint) resolved its five files and compiled them from
 * source, ~5 ms of a start (a profile of a one-statement run: module lookups
 * and wrapSafe). The glue finds its .wasm next to itself (__dirname): it is
 * pointed at the installed package's folder instead, found as require finds it.
 */
export const libpgQueryBundled = patchOnLoad('libpg-query-bundled', /[\\/]node_modules[\\/]libpg-query[\\/]wasm[\\/]libpg-query\.js$/, "libpg-query's .wasm location", [
  ['scriptDirectory=__dirname+"/"', 'scriptDirectory=require("node:path").dirname(require("node:module").createRequire(__filename).resolve("libpg-query"))+"/"'],
]);

/**
 * pg-protocol reads each field of a notice or an error (severity, code,
 * message, where, file, line, routine...) after a one-byte field code, and
 * reads that code, like a one-byte value of a row, through Buffer#toString:
 * half of the ~1.6 million string reads of a storm of 100,000 notices, ~100 ms
 * of its CPU. A byte under 0x80 decodes to the same one character in UTF-8
 * (the only encoding pg-protocol reads), so that case is taken as the
 * character; every other read is as before. test/integration/bundled-protocol
 * compares what the bundled program reads with what pg itself reads, and
 * test/unit/pg-protocol-patches what pg-protocol patched and unpatched parse.
 */
export const pgProtocolOneByteStrings = patchOnLoad('pg-protocol-one-byte-strings', /[\\/]node_modules[\\/]pg-protocol[\\/]dist[\\/]buffer-reader\.js$/, "pg-protocol's BufferReader.string", [
  [
    'string(length) {\n        const result = this.buffer.toString(this.encoding, this.offset, this.offset + length);',
    'string(length) {\n        if (length === 1 && this.buffer[this.offset] < 0x80) return String.fromCharCode(this.buffer[this.offset++]);\n        const result = this.buffer.toString(this.encoding, this.offset, this.offset + length);',
  ],
]);

/**
 * A notice's or an error's fields (severity, code, message, where, file, line,
 * routine...) were each decoded by its own Buffer#toString: 8 calls into
 * Node's C++ per notice of a storm (~115 ms of the screen's storm of 100,000
 * notices, profiled), and a field code read per call besides. They are now
 * decoded in one call and cut at their NUL bytes: a NUL byte is never part of
 * another character in UTF-8, so each field decodes to exactly the text it
 * decoded to alone (a field code beyond ASCII may join its value's first bytes
 * into one character, but only under a code no message property is read
 * from). A message without its end, which no server sends, is read as before
 * (test/unit/pg-protocol-patches). Parsing a storm's notices alone: 140-200 ->
 * 65-105 ms warm, 220-235 -> 155 ms on a first pass (6 passes, 2 processes).
 */
export const pgProtocolFieldsAtOnce = patchOnLoad('pg-protocol-fields-at-once', /[\\/]node_modules[\\/]pg-protocol[\\/]dist[\\/]parser\.js$/, "pg-protocol's parseErrorMessage", [
  [
    `    const fields = {};
    let fieldType = reader.string(1);
    while (fieldType !== '\\0') {
        fields[fieldType] = reader.cstring();
        fieldType = reader.string(1);
    }
`,
    `    const fields = {};
    const bytes = reader.buffer;
    let end = reader.offset;
    while (bytes[end] > 0) {
        end++;
        while (bytes[end++]) { }
    }
    if (bytes[end] === 0) {
        const text = bytes.toString(reader.encoding, reader.offset, end);
        reader.offset = end + 1;
        for (let at = 0; at < text.length;) {
            const stop = text.indexOf('\\0', at + 1);
            fields[text[at]] = text.slice(at + 1, stop);
            at = stop + 1;
        }
    }
    else {
        let fieldType = reader.string(1);
        while (fieldType !== '\\0') {
            fields[fieldType] = reader.cstring();
            fieldType = reader.string(1);
        }
    }
`,
  ],
]);

/**
 * pg asks, when first loaded, whether it runs in a Cloudflare Worker, by
 * building a fetch Response: in Node 20 that loads the whole fetch
 * implementation (undici), ~25-70 ms of every start that loads pg, for an
 * answer that is always no for this program.
 */
export const pgWithoutCloudflareProbe = patchOnLoad('pg-without-cloudflare-probe', /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/, "pg's Cloudflare probe", [
  ['if (isCloudflareRuntime()) {', 'if (false) {'],
]);

/** Every edit of pg and pg-protocol: the program's bundle and the benchmark's Node-and-pg floor load pg the same way. */
export const pgPatches = [pgWithoutCloudflareProbe, pgProtocolOneByteStrings, pgProtocolFieldsAtOnce];
