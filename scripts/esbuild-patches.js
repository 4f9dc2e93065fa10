// esbuild plugins shared by scripts/bundle.js (the program's bundle) and the
// benchmark's floors (bench/lib/bundled-floor.ts), which must load the
// PostgreSQL parser the way the program does to be its floors.

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
