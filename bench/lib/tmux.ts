// Running the screen for real: a detached tmux session of a fixed size on a
// tmux server of the bench's own (-L), polled with capture-pane.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const SOCKET = `runbook-bench-${process.pid}`;

export const WIDTH = 120;
export const HEIGHT = 40;

export async function tmux(...args: string[]): Promise<string> {
  const { stdout } = await exec('tmux', ['-L', SOCKET, ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function haveTmux(): Promise<boolean> {
  try {
    await exec('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

/** Single-quotes a word for the shell that tmux hands the command to. */
export function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

let counter = 0;

let serverUp: Promise<unknown> | undefined;

/**
 * One tmux server for the whole bench, kept up by a session that only waits:
 * otherwise killing a case's last session stops the server, and the next
 * session's start can race its exit ("server exited unexpectedly"). Timings
 * then leave out starting a tmux server, on both sides.
 */
function ensureServer(): Promise<unknown> {
  return (serverUp ??= tmux('new-session', '-d', '-s', 'keep-alive', 'sleep 86400'));
}

export interface ScreenSession {
  name: string;
  /** ms from just before the session was created. */
  elapsed(): number;
  screen(): Promise<string>;
  /** Polls until `ready(screen)` or the timeout; returns the ms it took and the screen, or null on timeout. */
  waitFor(ready: (screen: string) => boolean, timeoutMs: number, pollMs?: number): Promise<{ ms: number; screen: string } | null>;
  keys(...keys: string[]): Promise<void>;
  kill(): Promise<void>;
}

/** Starts `command` (a shell command line) in a new detached session of WIDTH×HEIGHT. */
export async function startScreen(command: string, env: Record<string, string> = {}, cwd = process.cwd()): Promise<ScreenSession> {
  const name = `bench${++counter}`;
  const envPrefix = Object.entries(env)
    .map(([k, v]) => `${k}=${sh(v)}`)
    .join(' ');
  await ensureServer();
  const t0 = performance.now();
  // TERM as a real terminal would have it; CI markers removed so the screen behaves as it would for an operator.
  await tmux('new-session', '-d', '-s', name, '-c', cwd, '-x', String(WIDTH), '-y', String(HEIGHT), `env -u CI -u CONTINUOUS_INTEGRATION TERM=xterm-256color ${envPrefix} ${command}`);
  const session: ScreenSession = {
    name,
    elapsed: () => performance.now() - t0,
    screen: () => tmux('capture-pane', '-p', '-t', name).catch(() => ''),
    async waitFor(ready, timeoutMs, pollMs = 5) {
      for (;;) {
        const screen = await session.screen();
        const ms = performance.now() - t0;
        if (ready(screen)) return { ms, screen };
        if (ms > timeoutMs) return null;
        await new Promise((r) => setTimeout(r, pollMs));
      }
    },
    async keys(...keys) {
      await tmux('send-keys', '-t', name, ...keys).catch(() => {});
    },
    async kill() {
      await tmux('kill-session', '-t', name).catch(() => {});
    },
  };
  return session;
}

/** Waits for a file (GNU time's report) to appear with content. */
export async function waitForFile(path: string, timeoutMs: number): Promise<string | null> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      if (text.trim()) return text;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}

export async function killServer(): Promise<void> {
  serverUp = undefined;
  await tmux('kill-server').catch(() => {});
}
