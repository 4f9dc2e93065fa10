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
export async function importScreen<T>(load: () => Promise<T>): Promise<T> {
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
