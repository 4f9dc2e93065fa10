// Notifications, both off unless configured: a webhook (RUNBOOK_WEBHOOK_URL)
// gets a JSON body Slack-compatible endpoints accept ({ "text": ... }, plus
// the event's fields) on a run's or a fleet's start, block, failure, approval
// needed and finish. What is sent is built from names, states and the run's
// events, which the session has already masked: no password, no secret input.
// A webhook that fails is reported once; it never stops a run.
import { approvalWaitWords } from '../present/approval.js';
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import { redactUrl } from '../exec/connection-url.js';
import { runFailure } from '../present/fleet.js';

export type NotifyKind = 'run_started' | 'run_blocked' | 'run_failed' | 'run_finished' | 'fleet_started' | 'fleet_failed' | 'fleet_finished' | 'approval_needed';

export interface Notice {
  event: NotifyKind;
  text: string;
  runbook?: string;
  run?: string;
  fleet?: string;
  target?: string;
}

export type Notify = (notice: Notice) => Promise<void>;

/** The configured webhook, or undefined. */
export function webhookFromEnv(env: NodeJS.ProcessEnv = process.env, warn: (line: string) => void = () => {}): Notify | undefined {
  const url = env.RUNBOOK_WEBHOOK_URL?.trim();
  if (!url) return undefined;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    warn(`RUNBOOK_WEBHOOK_URL is not a URL (${redactUrl(url)}); no notifications are sent`);
    return undefined;
  }
  let warned = false;
  return (notice) =>
    new Promise<void>((resolve) => {
      const body = JSON.stringify(notice);
      // Loaded when a notice is sent: `runbook run` imports this module, and most runs send none.
      const { request } = target.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
      const req = request(target, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', () => resolve());
        if ((res.statusCode ?? 500) >= 400 && !warned) {
          warned = true;
          warn(`webhook: ${redactUrl(url)} answered ${res.statusCode}`);
        }
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e) => {
        if (!warned) warn(`webhook: could not reach ${redactUrl(url)} (${e.message}); the run goes on`);
        warned = true;
        resolve();
      });
      req.end(body);
    });
}

/** A run's notices from its events: started (target pinned), blocked (a failed item), failed, finished. */
export function runNotices(notify: Notify, who: { runbook: string; run: string; target: string; fleet?: string }): { listener: (state: RunState, event: RunEvent) => void; flush(): Promise<void> } {
  const pending: Promise<void>[] = [];
  const where = `${who.runbook} on ${who.target}${who.fleet ? ` (fleet ${who.fleet})` : ''}`;
  const send = (event: NotifyKind, text: string) => pending.push(notify({ event, text, runbook: who.runbook, run: who.run, target: who.target, ...(who.fleet ? { fleet: who.fleet } : {}) }));
  return {
    listener(state, event) {
      if (event.type === 'target_pinned') send('run_started', `runbook ${where}: run ${who.run} started`);
      if (event.type === 'approval_requested') {
        const item = state.items.find((i) => i.key === event.key);
        send('approval_needed', `runbook ${where}: run ${who.run} waits for ${item ? approvalWaitWords(item, who.run) : 'an approval'}`);
      }
      if (event.type === 'item_finished' && (event.error || event.verdicts.some((v) => !v.ok))) send('run_blocked', `runbook ${where}: blocked — ${runFailure(state)}`);
      if (event.type === 'run_ended') {
        if (event.outcome === 'succeeded') send('run_finished', `runbook ${where}: run ${who.run} finished`);
        else send('run_failed', `runbook ${where}: run ${who.run} ${event.outcome} — ${runFailure(state)}`);
      }
    },
    flush: () => Promise.all(pending).then(() => undefined),
  };
}
