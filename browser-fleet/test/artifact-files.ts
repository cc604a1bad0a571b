import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';

/** Checks of artifact bytes shared by the fleet and end-to-end tests: real parsers, not size checks. */
export function zipEntries(bytes: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(bytes);
}

/** The trace's events (trace.trace is JSON lines of Playwright's trace format). */
export function traceEvents(zip: Record<string, Uint8Array>): Array<Record<string, unknown>> {
  const text = new TextDecoder().decode(zip['trace.trace'] ?? new Uint8Array());
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function harOf(bytes: Uint8Array, gzipped: boolean): { log: { version: string; entries: Array<{ request: { url: string }; response: { status: number } }> } } {
  return JSON.parse(new TextDecoder().decode(gzipped ? gunzipSync(bytes) : bytes)) as ReturnType<typeof harOf>;
}

/** Width and height from a PNG's IHDR, after checking the signature and the chunk's CRC-free layout. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => bytes[i] === b)) throw new Error('not a PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(12, 16)) !== 'IHDR') throw new Error('first chunk is not IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
