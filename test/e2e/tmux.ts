// A real terminal for end-to-end tests: tmux on a private socket (never the
// user's own tmux server), one uniquely named session per test, keys sent as
// a person types them, and the screen read back with capture-pane. Waits poll
// the screen against a deadline; nothing sleeps a fixed time.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

const SOCKET = `runbook-e2e-${process.pid}`;
let counter = 0;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Quotes a word for sh. */
export function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export const EXIT_MARK = /__EXIT_(\d+)__/;

export class Terminal {
  readonly name: string;
  private closed = false;

  /**
   * Starts `command` (a sh command line) in a new terminal of the given size; the pane stays after it exits.
   * With `record`, every byte the program writes to the terminal (each frame, escape sequences and all) is
   * appended to that file: the command waits until tmux is piping the pane before it starts.
   */
  constructor(command: string, readonly columns = 80, readonly rows = 24, options: { record?: string } = {}) {
    this.name = `rb-${process.pid}-${Date.now().toString(36)}-${counter++}`;
    const gate = options.record ? `${options.record}.piping` : undefined;
    // Bounded: 10 s at most, then the program starts anyway (and the recording would miss its start).
    const wait = gate ? `i=0; while [ ! -e ${sh(gate)} ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done; ` : '';
    // After the program ends, its exit code is printed and the pane stays (a stray Ctrl-C cannot close it).
    // The shell catches Ctrl-C (a caught signal is reset for the program it starts), so a Ctrl-C that
    // lands while the program is exiting cannot take the shell, and the exit code, with it.
    tmux('new-session', '-d', '-s', this.name, '-x', String(columns), '-y', String(rows), `trap 'true' INT; ${wait}${command}; echo "__EXIT_$?__"; trap '' INT; sleep 600`);
    tmux('set-option', '-t', this.name, 'remain-on-exit', 'on');
    if (options.record && gate) {
      tmux('pipe-pane', '-o', '-t', this.name, `cat >> ${sh(options.record)}`);
      writeFileSync(gate, '');
    }
  }

  /** The screen as text, one line per row (trailing blanks trimmed by tmux); with `history`, the scrollback above it too. */
  screen(options: { escapes?: boolean; history?: boolean } = {}): string {
    return tmux('capture-pane', '-p', ...(options.escapes ? ['-e'] : []), ...(options.history ? ['-S', '-'] : []), '-t', this.name);
  }

  /** Exactly `rows` lines, padded. */
  lines(): string[] {
    const l = this.screen().replace(/\n$/, '').split('\n');
    while (l.length < this.rows) l.push('');
    return l;
  }

  /** Literal text, as typed. */
  type(text: string): void {
    tmux('send-keys', '-t', this.name, '-l', text);
  }

  /** Named keys: Enter, Escape, C-c, C-u, Up, Down, PageUp, PageDown. */
  press(...keys: string[]): void {
    for (const key of keys) tmux('send-keys', '-t', this.name, key);
  }

  /** Polls the screen until `test` passes; throws with the last screen after `timeoutMs`. */
  async waitFor(test: RegExp | ((screen: string) => boolean), timeoutMs = 30_000, what?: string): Promise<string> {
    const ok = typeof test === 'function' ? test : (s: string) => test.test(s);
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = this.screen();
      if (ok(last)) return last;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what ?? String(test)}; the screen was:\n${last}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the program to exit; returns its exit code. */
  async exitCode(timeoutMs = 30_000): Promise<number> {
    const screen = await this.waitFor(EXIT_MARK, timeoutMs, 'the program to exit');
    return Number(EXIT_MARK.exec(screen)![1]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      tmux('kill-session', '-t', this.name);
    } catch {
      // already gone
    }
  }
}

/** Ends the private tmux server and every session left on it. */
export function killServer(): void {
  try {
    tmux('kill-server');
  } catch {
    // no server was started
  }
}

/**
 * What a test file's terminals leave behind: things to close (terminals, databases, clients) and folders to
 * remove. `after(leftovers.clean)` ends them all, and the tmux server with them.
 */
export function leftovers(): { open: Array<{ close(): void }>; dirs: string[]; clean(): void } {
  const open: Array<{ close(): void }> = [];
  const dirs: string[] = [];
  return {
    open,
    dirs,
    clean() {
      for (const o of open) o.close();
      killServer();
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
