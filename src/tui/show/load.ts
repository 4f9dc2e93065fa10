// Loads a screen module (and with it Ink and React) only when it is wanted,
// the way src/tui/load.ts does for the run screen: Ink decides when first
// imported whether it runs under CI (and then draws only the last frame), and
// React picks its development or production build from NODE_ENV.
export async function importScreen<T>(load: () => Promise<T>): Promise<T> {
  const saved: Record<string, string | undefined> = {};
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NODE_ENV']) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  process.env.NODE_ENV = saved.NODE_ENV ?? 'production';
  try {
    return await load();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[name] = value;
      else delete process.env[name];
    }
  }
}

export function loadShow(): Promise<typeof import('./index.js')> {
  return importScreen(() => import('./index.js'));
}

export function loadPicker(): Promise<typeof import('../picker/index.js')> {
  return importScreen(() => import('../picker/index.js'));
}
