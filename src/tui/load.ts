// Loads the screen only when it is wanted (plain and JSON runs never load
// React). Ink decides once, when it is first imported, whether it runs under
// CI and then draws only the last frame; in a real terminal that must not
// happen, so CI markers are hidden from that one decision.
import type { runInteractive as RunInteractive } from './index.js';

export async function loadTui(): Promise<{ runInteractive: typeof RunInteractive }> {
  const saved: Record<string, string | undefined> = {};
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  try {
    return await import('./index.js');
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}
