// Loads the screen only when it is wanted (plain and JSON runs never load
// React). Ink decides once, when it is first imported, whether it runs under
// CI and then draws only the last frame; in a real terminal that must not
// happen, so CI markers are hidden from that one decision. React and its
// reconciler pick their development or production build the same way, from
// NODE_ENV when first imported: unless told otherwise, the screen gets the
// production build (the development one times and traces every render, and a
// storm of notices on the screen took several times as long).
import type { runInteractive as RunInteractive } from './index.js';

export async function loadTui(): Promise<{ runInteractive: typeof RunInteractive }> {
  const saved: Record<string, string | undefined> = {};
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION', 'NODE_ENV']) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  // Only for the import: shell steps inherit this environment and must see the operator's own.
  process.env.NODE_ENV = saved.NODE_ENV ?? 'production';
  try {
    return await import('./index.js');
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value !== undefined) process.env[name] = value;
      else delete process.env[name];
    }
  }
}
