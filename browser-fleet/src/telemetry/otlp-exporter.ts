import { messageOf, type Logger } from '../log.ts';

/** A finished span, in the shape OTLP/HTTP JSON wants (ids in hex, times in unix nanoseconds as strings). */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean | undefined>;
  error?: string;
}

export interface SpanSink {
  export(span: SpanRecord): void;
  close(): Promise<void>;
}

export const noSpans: SpanSink = { export() {}, close: async () => undefined };

const FLUSH_MS = 2000;
const MAX_BATCH = 200;
/** Spans kept while the collector is away; older ones are dropped rather than growing memory. */
const MAX_QUEUE = 5000;

const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
const attrs = (a: SpanRecord['attributes']) => Object.entries(a).filter(([, v]) => v !== undefined).map(([key, v]) => ({
  key,
  value: typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v },
}));

/**
 * Sends spans to an OTLP/HTTP endpoint as JSON in batches. A few dozen lines instead of the OpenTelemetry SDK:
 * the fleet makes two kinds of span and needs no context propagation library (ADR 0011).
 */
export class OtlpExporter implements SpanSink {
  #queue: SpanRecord[] = [];
  readonly #timer: NodeJS.Timeout;
  #sending: Promise<void> = Promise.resolve();

  constructor(private readonly url: string, private readonly serviceName: string, private readonly headers: Record<string, string>, private readonly log: Logger) {
    this.#timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.#timer.unref();
  }

  export(span: SpanRecord): void {
    if (this.#queue.length >= MAX_QUEUE) this.#queue.shift();
    this.#queue.push(span);
    if (this.#queue.length >= MAX_BATCH) void this.flush();
  }

  flush(): Promise<void> {
    this.#sending = this.#sending.then(async () => {
      while (this.#queue.length) await this.#post(this.#queue.splice(0, MAX_BATCH));
    });
    return this.#sending;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #post(spans: SpanRecord[]): Promise<void> {
    const body = {
      resourceSpans: [{
        resource: { attributes: attrs({ 'service.name': this.serviceName }) },
        scopeSpans: [{
          scope: { name: 'trawl-fleet' },
          spans: spans.map((s) => ({
            traceId: s.traceId, spanId: s.spanId, ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name, kind: 1, startTimeUnixNano: nanos(s.startMs), endTimeUnixNano: nanos(s.endMs),
            attributes: attrs(s.attributes), status: s.error ? { code: 2, message: s.error } : { code: 1 },
          })),
        }],
      }],
    };
    try {
      const res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json', ...this.headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });
      if (!res.ok) this.log.warn('OTLP export refused', { status: res.status, spans: spans.length });
    } catch (e) {
      this.log.warn('OTLP export failed', { error: messageOf(e), spans: spans.length });
    }
  }
}

/** Reads the standard variables; no endpoint means no exporter at all. */
export function exporterFromEnv(env: Record<string, string | undefined>, log: Logger): SpanSink {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (!base && !traces) return noSpans;
  const url = traces || `${base!.replace(/\/+$/, '')}/v1/traces`;
  const headers: Record<string, string> = {};
  for (const pair of (env.OTEL_EXPORTER_OTLP_HEADERS ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return new OtlpExporter(url, env.OTEL_SERVICE_NAME?.trim() || 'trawl-fleet', headers, log);
}
