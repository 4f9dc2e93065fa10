// The screen's store: holds the UiState, applies intents through the pure
// `update`, carries out the effects it returns, and tells the screen about new
// state at most once a frame, and less often while only output comes (a storm of notices must not melt the terminal;
// keys are shown at once). The session's questions arrive through `ask` and
// wait until the operator's intent answers them.
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import type { MonitorSample } from '../exec/postgres/monitor.js';
import { isTyping, keyToIntent, NO_KEY, type KeyInfo } from './keys.js';
import type { Effect, Intent } from './intents.js';
import type { Answers, DetailGeometry, Prompt, PromptBody, UiState } from './state.js';
import { update } from './store.js';

export interface ControllerHooks {
  /** Cancel the running statement on the server (Ctrl-C). */
  interrupt?(): void;
  /** Stop the run at the next boundary between items (q). */
  stop?(): void;
  /** The operator is done with the screen. */
  exit?(): void;
  /** Leave at once, although a cancel has not come back. */
  forceExit?(): void;
}

export interface ControllerOptions {
  /** Least time between two frames, in ms (default 50: at most 20 frames a second). 0 publishes every change. */
  frameMs?: number;
  /**
   * Least time between two frames whose only news is output (notices, printed
   * lines), in ms (default 3 × frameMs). A storm of notices scrolls by too fast
   * to read at any rate; every frame it draws is taken from the run's own CPU.
   */
  outputFrameMs?: number;
  clock?: () => number;
  /**
   * Measures the step view as it is drawn (views/geometry.ts): scroll intents
   * carry it to the store, which never imports a view. Without it, scrolling
   * does nothing.
   */
  measure?: (ui: UiState) => DetailGeometry;
}

type PromptKind = PromptBody['kind'];
type BodyOf<K extends PromptKind> = Extract<PromptBody, { kind: K }>;

/** How each question is answered when the operator has already chosen to quit. */
const WHEN_QUITTING: { [K in PromptKind]: Answers[K] } = {
  inputs: null,
  confirm: false,
  danger: false,
  blocked: { type: 'quit' },
  fix: false,
  next: 'quit',
};

/** Output events the screen shows only through the run state (see TuiController.pendingRun). */
const QUIET_OUTPUT: ReadonlySet<string> = new Set(['notice', 'output', 'info']);

export class TuiController {
  private state: UiState;
  private published: UiState;
  private readonly listeners = new Set<() => void>();
  private readonly resolvers = new Map<number, (value: Answers[keyof Answers]) => void>();
  private nextId = 1;
  private timer: NodeJS.Timeout | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private lastPublish = 0;
  /** How long the last frame took to draw, in ms. */
  private frameCost = 0;
  private readonly frameMs: number;
  private readonly outputFrameMs: number;
  /** Whether every change since the last frame is output only (see outputFrameMs). */
  private onlyOutput = true;
  /** When the frame the timer waits for is due (the clock's time). */
  private due = 0;
  private readonly clock: () => number;
  private readonly measure?: (ui: UiState) => DetailGeometry;
  private hooks: ControllerHooks = {};
  /**
   * The last of a burst of output events that change nothing on the screen but
   * the run state they carry (notices, printed lines): applying only the last
   * gives the same screen as applying each of a storm's 100,000.
   */
  private pendingRun: { state: RunState; event: RunEvent } | null = null;

  constructor(initial: UiState, options: ControllerOptions = {}) {
    this.state = initial;
    this.published = initial;
    this.frameMs = options.frameMs ?? 50;
    this.outputFrameMs = options.outputFrameMs ?? 3 * this.frameMs;
    this.clock = options.clock ?? Date.now;
    this.measure = options.measure;
  }

  setHooks(hooks: ControllerHooks): void {
    this.hooks = { ...this.hooks, ...hooks };
  }

  /** The newest state (what keys are judged against). */
  getState = (): UiState => {
    this.applyPendingRun();
    return this.state;
  };

  /** The state React last saw (stable between frames, for useSyncExternalStore). */
  getSnapshot = (): UiState => this.published;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Applies an intent; `urgent` (a key) shows the result at once. */
  dispatch = (intent: Intent, urgent = false): void => this.apply(intent, urgent, false);

  private apply(intent: Intent, urgent: boolean, outputOnly: boolean): void {
    this.applyPendingRun();
    if (intent.type === 'scroll' && !intent.view && this.measure) intent = { ...intent, view: this.measure(this.state) };
    const { state, effects } = update(this.state, intent);
    this.state = state;
    this.publish(urgent, outputOnly);
    for (const effect of effects) this.run(effect);
  }

  /** A key from the terminal. */
  key = (input: string, key: KeyInfo): void => {
    // Keys pressed quickly can arrive in one chunk: "5\r", "\u007f5", "yq", Ctrl-U and what is typed
    // next. Take them one by one (a paste into a text field stays whole, less its Enter, Backspace and Ctrl-U).
    if (input.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001B')) {
      const parts = isTyping(this.state) ? input.split(/([\r\n\u007f\b\u0015])/) : [...input];
      if (parts.length > 1) {
        for (const part of parts) {
          if (!part) continue;
          if (part === '\r' || part === '\n') this.key('', { ...NO_KEY, return: true });
          else if (part === '\u007f' || part === '\b') this.key('', { ...NO_KEY, backspace: true });
          else if (part === '\u0015') this.key('u', { ...NO_KEY, ctrl: true });
          else this.key(part, NO_KEY);
        }
        return;
      }
    }
    const intent = keyToIntent(this.state, input, key);
    if (this.state.flash && intent) this.state = { ...this.state, flash: null };
    if (intent) this.dispatch(intent, true);
  };

  /** The session's listener: every run event updates the screen. */
  onRun = (state: RunState, event: RunEvent): void => {
    if (event.type === 'item_output' && event.events.every((e) => QUIET_OUTPUT.has(e.type))) {
      if (!this.pendingRun) queueMicrotask(() => this.applyPendingRun());
      this.pendingRun = { state, event };
      return;
    }
    this.dispatch({ type: 'run', state, event });
  };

  private applyPendingRun(): void {
    const pending = this.pendingRun;
    if (!pending) return;
    this.pendingRun = null;
    this.apply({ type: 'run', ...pending }, false, true);
  }

  onMonitor = (key: string, sample: MonitorSample | null, note?: string): void => {
    this.dispatch({ type: 'monitor', key, sample, ...(note ? { note } : {}) });
  };

  /** Puts a question on the screen and waits for the operator's answer. */
  ask<K extends PromptKind>(body: BodyOf<K>): Promise<Answers[K]> {
    if (this.state.quitting) return Promise.resolve(WHEN_QUITTING[body.kind as K]);
    const id = this.nextId++;
    return new Promise<Answers[K]>((resolve) => {
      this.resolvers.set(id, resolve as (value: Answers[keyof Answers]) => void);
      this.dispatch({ type: 'prompt', prompt: { ...body, id } as Prompt }, true);
    });
  }

  /** Starts the once-a-second clock (elapsed times). */
  startClock(ms = 1000): void {
    this.stopClock();
    this.ticker = setInterval(() => this.dispatch({ type: 'tick', now: this.clock() }), ms);
    this.ticker.unref?.();
  }

  stopClock(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
  }

  /** Stops timers and answers any open question as if the operator quit. */
  dispose(): void {
    this.stopClock();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const open = this.state.prompt;
    if (open) this.resolvers.get(open.id)?.(WHEN_QUITTING[open.kind]);
    this.resolvers.clear();
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case 'answer': {
        const resolve = this.resolvers.get(effect.id);
        this.resolvers.delete(effect.id);
        resolve?.(effect.value);
        return;
      }
      case 'interrupt':
        this.hooks.interrupt?.();
        return;
      case 'stop':
        this.hooks.stop?.();
        return;
      case 'exit':
        this.hooks.exit?.();
        return;
      case 'force_exit':
        this.hooks.forceExit?.();
        return;
    }
  }

  private publish(urgent: boolean, outputOnly = false): void {
    const now = this.clock();
    if (!outputOnly) this.onlyOutput = false;
    // Frames come at most every frameMs (outputFrameMs while only output comes), and further apart
    // when drawing one takes long (a slow terminal): drawing then takes at most a quarter of the time.
    const gap = Math.max(this.onlyOutput ? this.outputFrameMs : this.frameMs, 3 * this.frameCost);
    if (urgent || this.frameMs <= 0 || now - this.lastPublish >= gap) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.flush(now);
      return;
    }
    const due = this.lastPublish + gap;
    // A frame already waits, as soon or sooner: it will show this change too.
    if (this.timer && this.due <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush(this.clock());
    }, due - now);
    this.timer.unref?.();
  }

  private flush(now: number): void {
    this.lastPublish = now;
    this.onlyOutput = true;
    if (this.published === this.state) return;
    this.published = this.state;
    for (const listener of this.listeners) listener();
    // React draws the frame in a microtask right after this; by the next macrotask it is on the terminal.
    setImmediate(() => {
      this.frameCost = Math.max(0, this.clock() - now);
    });
  }
}
