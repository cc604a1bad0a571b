/** Streaming conversions of JSON lines: to one JSON array, or to CSV with a header of the job's fields. */

function splitLines(): TransformStream<string, string> {
  let rest = '';
  return new TransformStream({
    transform(chunk, ctl) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) if (p.trim()) ctl.enqueue(p);
    },
    flush(ctl) {
      if (rest.trim()) ctl.enqueue(rest);
    },
  });
}

function lines(body: ReadableStream<Uint8Array>): ReadableStream<string> {
  return body.pipeThrough(new TextDecoderStream()).pipeThrough(splitLines());
}

export function jsonlToJsonArray(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let first = true;
  return lines(body).pipeThrough(new TransformStream<string, string>({
    start(ctl) { ctl.enqueue('['); },
    transform(line, ctl) {
      ctl.enqueue(first ? `\n${line}` : `,\n${line}`);
      first = false;
    },
    flush(ctl) { ctl.enqueue('\n]\n'); },
  })).pipeThrough(new TextEncoderStream());
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; lists and objects as JSON; null as empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function jsonlToCsv(body: ReadableStream<Uint8Array>, fields: string[]): ReadableStream<Uint8Array> {
  return lines(body).pipeThrough(new TransformStream<string, string>({
    start(ctl) { ctl.enqueue(`${fields.map(csvField).join(',')}\r\n`); },
    transform(line, ctl) {
      const item = JSON.parse(line) as Record<string, unknown>;
      ctl.enqueue(`${fields.map((f) => csvField(item[f])).join(',')}\r\n`);
    },
  })).pipeThrough(new TextEncoderStream());
}
