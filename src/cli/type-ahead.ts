// Keys typed between `runbook run` (resume, rollback) starting and its screen
// drawing, and after the screen is gone. Left alone, the terminal echoes them
// (onto the screen's first frame and, after the run, above its summary), and
// whatever the program never read spills into the shell when it exits. So,
// as soon as the command knows it will show the screen, the terminal goes into
// raw mode and the keys are held here, unechoed; the screen takes them when it
// mounts (tui/type-ahead.ts decides which it honours). After the screen, keys
// are held again and dropped, and the terminal is given back drained.
//
// Raw mode turns off the terminal's own signal keys: Ctrl-C is sent on as
// SIGINT at once, so it interrupts as before.
import { StringDecoder } from 'node:string_decoder';

export interface TypeAhead {
  /** Stops holding (the screen reads the terminal now) and hands over what was typed, Ctrl-C aside. */
  take(): string;
  /** take(), once what the terminal already has is read: before a question that reads the terminal itself. */
  drain(): Promise<string>;
  /** Holds (and will drop) keys again: the screen is gone, the program is finishing. */
  hold(): void;
  /** Drops what is held, reads what the terminal still has, and gives the terminal back as it was. */
  stop(): Promise<void>;
}

const CTRL_C = '\u0003';

/**
 * Holds the keys typed on a terminal; undefined when stdin is not one.
 *
 * The keys are read in paused mode (a 'readable' listener), never by 'data'
 * and pause(): process.stdin stops its handle a tick after a pause, and a
 * screen attaching its own 'readable' listener in that tick would never be
 * woken again (the process would even exit). With no listener between take()
 * and Ink's, what arrives stays in the stream's buffer for Ink.
 */
export function holdTypeAhead(stdin: NodeJS.ReadStream = process.stdin): TypeAhead | undefined {
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return undefined;
  const wasRaw = stdin.isRaw;
  const decoder = new StringDecoder('utf8');
  let held = '';
  let holding = false;
  let stopped = false;
  const onReadable = () => {
    let chunk: Buffer | string | null;
    while (holding && (chunk = stdin.read() as Buffer | string | null) !== null) {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      const at = text.indexOf(CTRL_C);
      if (at === -1) {
        held += text;
        continue;
      }
      // Ctrl-C ends the wait for the screen (and whatever was typed ahead): the terminal is given back
      // first, as the process may end on the signal without a word (signal-exit re-raises it).
      release();
      process.kill(process.pid, 'SIGINT');
      return;
    }
  };
  const hold = () => {
    if (holding || stopped) return;
    holding = true;
    stdin.setRawMode(true);
    stdin.on('readable', onReadable);
  };
  const detach = () => {
    if (!holding) return;
    holding = false;
    stdin.off('readable', onReadable);
  };
  const release = () => {
    detach();
    stopped = true;
    held = '';
    stdin.setRawMode(wasRaw);
    // Stops reading, so the terminal no longer keeps the process alive.
    stdin.pause();
  };
  hold();
  const take = () => {
    detach();
    const typed = held;
    held = '';
    return typed;
  };
  return {
    take,
    async drain() {
      if (holding) await new Promise((resolve) => setTimeout(resolve, 20));
      return take();
    },
    hold,
    async stop() {
      if (stopped) return;
      // What the terminal already has is read (and dropped) before it goes back to the shell.
      if (holding) await new Promise((resolve) => setTimeout(resolve, 20));
      release();
    },
  };
}
