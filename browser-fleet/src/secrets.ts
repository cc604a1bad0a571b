import type { StorageState, TaskLogin, TaskUpstream } from '@trawl/schemas';

export const MASK = '***';
/** Shorter values would mask ordinary text; headers and cookie lists are dropped from artifacts whatever their length. */
const MIN_CREDENTIAL = 3;
const MIN_STORED = 8;

/**
 * The secret values of one task (a stored credential, its session's cookie and storage values) and every form
 * they take on the wire: raw, URL-encoded, form-encoded, JSON-escaped. `mask` replaces each with ***.
 */
export class Secrets {
  #variants: string[] = [];

  get empty(): boolean {
    return this.#variants.length === 0;
  }

  addLogin(login: TaskLogin | null): void {
    if (login?.credential) this.#add([login.credential.username, login.credential.password], MIN_CREDENTIAL);
    if (login?.storageState) this.addState(login.storageState);
  }

  /** Upstream proxies' credentials, and the Basic token they travel as (ADR 0035). */
  addProxies(upstreams: readonly TaskUpstream[]): void {
    for (const u of upstreams) {
      if (!u.username) continue;
      this.#add([u.username, u.password ?? ''].filter(Boolean), MIN_CREDENTIAL);
      this.#add([Buffer.from(`${u.username}:${u.password ?? ''}`).toString('base64')], MIN_CREDENTIAL);
    }
  }

  addState(state: StorageState): void {
    const s = state as { cookies?: Array<{ value?: unknown }>; origins?: Array<{ localStorage?: Array<{ value?: unknown }> }> };
    const values = [...(s.cookies ?? []).map((c) => c.value), ...(s.origins ?? []).flatMap((o) => (o.localStorage ?? []).map((e) => e.value))];
    this.#add(values.filter((v): v is string => typeof v === 'string'), MIN_STORED);
  }

  mask(text: string): string {
    let out = text;
    for (const v of this.#variants) out = out.replaceAll(v, MASK);
    return out;
  }

  /** A JSON-able value with every secret masked; an unparseable result (a secret spanning JSON syntax) becomes {}. */
  maskJson(value: Record<string, unknown>): Record<string, unknown> {
    if (this.empty) return value;
    try {
      return JSON.parse(this.mask(JSON.stringify(value))) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  /** The same on raw bytes (UTF-8 forms), for blobs that may not be text at all. */
  maskBytes(bytes: Uint8Array): Uint8Array {
    let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const v of this.#variants) {
      const needle = Buffer.from(v, 'utf8');
      if (buf.indexOf(needle) < 0) continue;
      const parts: Buffer[] = [];
      let at = 0;
      for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, at)) {
        parts.push(buf.subarray(at, i), Buffer.from(MASK));
        at = i + needle.length;
      }
      parts.push(buf.subarray(at));
      buf = Buffer.concat(parts);
    }
    return buf;
  }

  #add(values: string[], min: number): void {
    const forms = values.filter((v) => v.length >= min).flatMap((v) => [
      v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2), JSON.stringify(v).slice(1, -1),
    ]);
    // Longest first, so a value that contains another is masked whole.
    this.#variants = [...new Set([...this.#variants, ...forms])].toSorted((a, b) => b.length - a.length);
  }
}
