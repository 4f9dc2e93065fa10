// OpenTelemetry traces of a run, off unless configured: one span for the run,
// one per step (and prerequisite, checklist item) under it, one per statement
// under its step; lock waits and lock attempts are events on the statement's
// span, approvals on the step's. Sent by the standard OTLP/HTTP exporter to
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT (+/v1/traces),
// with its usual OTEL_* settings (headers, timeout, OTEL_SDK_DISABLED).
//
// No secret goes into an attribute: input values are never sent (inputs are
// named, not shown), the target is host, port, database and user without the
// password, and the texts that are sent (statement text, error messages)
// come from run events, which the session has already masked (exec/secrets.ts).
import { context, trace, SpanKind, SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { RunEvent } from '../engine/events.js';
import type { RunState } from '../engine/state.js';
import type { ExecEvent } from '../exec/types.js';

export interface RunTraceInfo {
  runId: string;
  runbook: string;
  title: string;
  kind: string;
  operator: string;
  /** The target without its password. */
  target: string;
  fleet?: string;
}

export interface RunTrace {
  listener(state: RunState, event: RunEvent): void;
  /** Ends what is still open (a run that stopped without ending) and sends every span; never throws. */
  close(): Promise<void>;
}

/** Attribute texts are cut: a statement can be a 32 MiB file. */
const TEXT_MAX = 2000;
const cut = (s: string) => (s.length > TEXT_MAX ? `${s.slice(0, TEXT_MAX)}…` : s);

export function runTrace(info: RunTraceInfo, warn: (line: string) => void = () => {}): RunTrace {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME || 'runbook', 'service.version': '0.1.0' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  const tracer = provider.getTracer('runbook', '0.1.0');
  const run = tracer.startSpan(`runbook ${info.kind} ${info.runbook}`, {
    kind: SpanKind.INTERNAL,
    attributes: {
      'runbook.id': info.runbook,
      'runbook.title': cut(info.title),
      'runbook.run_id': info.runId,
      'runbook.kind': info.kind,
      'runbook.operator': info.operator,
      'runbook.target': info.target,
      ...(info.fleet ? { 'runbook.fleet': info.fleet } : {}),
    },
  });
  const runContext = trace.setSpan(context.active(), run);
  const items = new Map<string, Span>();
  const statements = new Map<string, Span>();
  const endStatement = (key: string, attributes: Attributes = {}, error?: string) => {
    const span = statements.get(key);
    if (!span) return;
    span.setAttributes(attributes);
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: cut(error) });
    span.end();
    statements.delete(key);
  };
  const endItem = (key: string, ok: boolean, message?: string, at?: number) => {
    endStatement(key, {}, ok ? undefined : message);
    const span = items.get(key);
    if (!span) return;
    span.setStatus(ok ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, ...(message ? { message: cut(message) } : {}) });
    span.end(at);
    items.delete(key);
  };
  const onExec = (state: RunState, key: string, e: ExecEvent, at: number) => {
    switch (e.type) {
      case 'statement_started': {
        endStatement(key);
        const parent = items.get(key);
        const ctx = parent ? trace.setSpan(runContext, parent) : runContext;
        const command = e.text.trim().split(/\s+/, 2).join(' ').toUpperCase();
        statements.set(
          key,
          tracer.startSpan(
            command || 'statement',
            { kind: SpanKind.CLIENT, startTime: at, attributes: { 'db.system.name': 'postgresql', 'db.query.text': cut(e.text), 'runbook.statement.index': e.index, 'runbook.statement.total': e.total, 'runbook.statement.line': e.line, ...dbAttributes(state) } },
            ctx,
          ),
        );
        return;
      }
      case 'statement_finished':
        endStatement(key, { 'db.response.returned_rows': e.rowCount ?? 0, 'db.operation.name': e.command });
        return;
      case 'lock_queue': {
        const span = statements.get(key) ?? items.get(key);
        const w = e.sample.waitingFor;
        span?.addEvent(w ? 'lock.wait' : 'lock.queue', {
          ...(w ? { 'lock.mode': w.mode, 'lock.relation': w.relation ?? '' } : {}),
          'lock.waited_ms': e.sample.waitedMs ?? 0,
          'lock.blockers': e.sample.blockers.length,
          'lock.queue.count': e.sample.count,
          'lock.queue.oldest_wait_ms': e.sample.oldestWaitMs,
        }, e.sample.at);
        return;
      }
      case 'lock_attempt': {
        const a = e.attempt;
        (statements.get(key) ?? items.get(key))?.addEvent('lock.attempt', {
          'lock.attempt': a.attempt,
          'lock.attempts': a.attempts,
          'lock.outcome': a.outcome,
          'lock.waited_ms': a.waitedMs ?? 0,
          'lock.timeout_ms': a.lockTimeoutMs ?? 0,
          'lock.blockers': a.blockers.length,
          'lock.queue.max': a.queueMax,
          ...(a.trip ? { 'lock.guard_trip': a.trip.limit } : {}),
        }, at);
        return;
      }
      default:
        return;
    }
  };
  let ended = false;
  return {
    listener(state, event) {
      try {
        switch (event.type) {
          case 'target_pinned':
            run.setAttributes({ 'db.system.name': 'postgresql', ...dbAttributes(state) });
            return;
          case 'item_started': {
            const item = state.items.find((i) => i.key === event.key);
            items.get(event.key)?.end(event.at);
            items.set(
              event.key,
              tracer.startSpan(`${item?.kind ?? 'item'} ${item?.id ?? event.key}`, { startTime: event.at, attributes: { 'runbook.item.key': event.key, 'runbook.item.title': cut(item?.title ?? ''), 'runbook.item.attempt': item?.attempts ?? 1 } }, runContext),
            );
            return;
          }
          case 'item_output':
            for (const e of event.events) onExec(state, event.key, e, event.at);
            return;
          case 'item_finished': {
            const failed = event.error?.message ?? event.verdicts.find((v) => !v.ok)?.label;
            endItem(event.key, !failed, failed, event.at);
            return;
          }
          case 'item_interrupted':
            endItem(event.key, false, event.reason, event.at);
            return;
          case 'item_confirmed':
            endItem(event.key, true, undefined, event.at);
            return;
          case 'approval_requested':
            run.addEvent('approval.requested', { 'runbook.item.key': event.key, 'runbook.approval.reason': cut(event.reason) }, event.at);
            return;
          case 'approval_given':
            run.addEvent('approval.given', { 'runbook.item.key': event.key, 'runbook.approval.by': event.by, 'runbook.approval.role': event.role }, event.at);
            return;
          case 'run_ended':
            for (const key of [...items.keys()]) endItem(key, false, 'the run ended', event.at);
            run.setAttribute('runbook.outcome', event.outcome);
            run.setStatus(event.outcome === 'succeeded' ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, ...(event.reason ? { message: cut(event.reason) } : {}) });
            run.end(event.at);
            ended = true;
            return;
          default:
            return;
        }
      } catch (err) {
        warn(`traces: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    async close() {
      if (!ended) {
        for (const key of [...items.keys()]) endItem(key, false, 'the run stopped');
        run.end();
      }
      await provider.shutdown().catch((err: unknown) => warn(`traces: could not be sent (${err instanceof Error ? err.message : String(err)})`));
    },
  };
}

/** The database the run is pinned to, as OpenTelemetry's database conventions name it (no password: the target holds none). */
function dbAttributes(state: RunState): Attributes {
  const t = state.target;
  if (!t) return {};
  return { 'server.address': t.host, 'server.port': t.port, 'db.namespace': t.database, 'db.user': t.user, 'db.server.version': t.serverVersion };
}
