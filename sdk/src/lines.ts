/** Splits a byte stream into its non-empty lines as they arrive (JSON lines), with the platform's TextDecoder only. */
export async function* jsonLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      rest += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (line) yield line;
      }
      if (done) { finished = true; break; }
    }
    if (rest.trim()) yield rest.trim();
  } finally {
    // A consumer that stopped early (break) must not leave the download open.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
