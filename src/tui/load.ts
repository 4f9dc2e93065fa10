// Loads a screen (and with it Ink and React) only when it is wanted: plain and
// JSON runs never load React. Ink decides once, when it is first imported,
// whether it runs under CI and then draws only the last frame; in a real
// terminal that must not happen, so CI markers are hidden from that one
// decision. React and its reconciler pick their development or production
// build the same way, from NODE_ENV when first imported: unless told
// otherwise, the screens get the production build (the development one times
// and traces every render, and an idle screen grew by ~10 MB a minute). The
// bundle that bin/runbook.js runs holds the production build only
// (scripts/bundle.js); this choice matters for dist/src, which the tests import.
import { setFlagsFromString } from 'node:v8';
import { useBaselineWasmCompiler } from '../sql/wasm-compiler.js';

export async function importScreen<T>(load: () => Promise<T>): Promise<T> {
  keepNurserySmall();
  // Yoga, Ink's layout engine, compiles its WebAssembly as it is imported.
  useBaselineWasmCompiler();
  const saved: Record<string, string | undefined> = {};
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NODE_ENV']) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  // Only for the import: shell steps inherit this environment and must see the operator's own.
  process.env.NODE_ENV = saved.NODE_ENV ?? 'production';
  try {
    const screen = await load();
    await layoutReady();
    return screen;
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[name] = value;
      else delete process.env[name];
    }
  }
}

/**
 * A screen keeps V8's young generation at its starting size. V8 doubles it
 * (up to 2 × 16 MiB) whenever much of it survives a collection, which drawing
 * frames and reading large results both set off; a screen then stood 20–30 MiB
 * above what it holds (the screen with a one-row step: 124 → 101 MiB; with a
 * million-row result: 138 → 108–121 MiB, where psql takes 102 MiB). The flag
 * is read each time V8 considers growing, so setting it now is enough. Plain
 * runs keep the default: their long steps make garbage that dies young, and a
 * small young generation promoted it (a 100,000-INSERT data fix took 50 % more
 * CPU). bin/runbook.js sets it too before a screen run starts from its own code
 * cache, which is made with it (V8 takes a cache only with the same flags).
 */
function keepNurserySmall(): void {
  for (const flag of SCREEN_V8_FLAGS) setFlagsFromString(flag);
}

/**
 * The young generation kept small (above). --optimize-for-size was here too
 * (the heap grown by less and collected sooner): it cut the million-row
 * screen's memory while Ink laid out every frame, but since the painter
 * (paint.ts) the screen takes the same memory without it (81–83 MiB against
 * psql's 102 MiB, with it and without) and it cost the screen's notice storm
 * ~8 % of its CPU (1.34 → 1.23 s). bin/runbook.js holds the same list.
 */
export const SCREEN_V8_FLAGS = ['--semi-space-growth-factor=1'];

/**
 * In the bundle (scripts/bundle.js, CommonJS) Yoga, Ink's layout engine,
 * cannot wait for its WebAssembly at its module's top level: it leaves that
 * wait here, and nothing is drawn before it is over. Unbundled, there is none.
 */
function layoutReady(): Promise<void> | undefined {
  return (globalThis as Record<symbol, Promise<void> | undefined>)[Symbol.for('runbook.layout-ready')];
}

/** The run screen. */
export function loadTui(): Promise<typeof import('./index.js')> {
  return importScreen(() => import('./index.js'));
}

/** The read-only view (`runbook show`). */
export function loadShow(): Promise<typeof import('./show/index.js')> {
  return importScreen(() => import('./show/index.js'));
}

/** The picker (`runbook` with no arguments). */
export function loadPicker(): Promise<typeof import('./picker/index.js')> {
  return importScreen(() => import('./picker/index.js'));
}

/** The fleet view (`runbook fleet run|status` in a terminal). */
export function loadFleetView(): Promise<typeof import('./fleet/index.js')> {
  return importScreen(() => import('./fleet/index.js'));
}
