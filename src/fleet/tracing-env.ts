// Whether a run is traced, decided from the environment alone, so that the
// OpenTelemetry SDK (fleet/tracing.ts) is loaded only when it is wanted.

/** Whether traces are wanted: an OTLP endpoint is set and the SDK is not disabled. */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if ((env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}
