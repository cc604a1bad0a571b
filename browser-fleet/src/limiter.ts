/**
 * Admission control in one place: a node accepts a task only when a slot of its kind is free and it is not
 * draining. The edge dispatches by the free count in heartbeats, but this is the authority.
 *
 * Two kinds (ADR 0058): `browser` slots bound the pages open in Chromium; `http` slots bound the fast-path tasks
 * (ADR 0049), which open no page and cost the node a fetch and a DOM parse, so a node holds many more of them. A
 * node without http slots (0) runs fast-path tasks in browser slots, as before.
 */
export { slotKindOf, type SlotKind } from '@trawl/schemas';
import type { SlotKind } from '@trawl/schemas';

export class Limiter {
  #inFlight = { browser: 0, http: 0 };
  #draining = false;
  #idleWaiters: Array<() => void> = [];

  constructor(readonly slots: number, readonly httpSlots = 0) {}

  /** Tasks running of both kinds. */
  get inFlight(): number {
    return this.#inFlight.browser + this.#inFlight.http;
  }

  /** Free browser slots (what heartbeats report). */
  get free(): number {
    return this.#draining ? 0 : Math.max(0, this.slots - this.#inFlight.browser);
  }

  get httpFree(): number {
    return this.#draining ? 0 : Math.max(0, this.httpSlots - this.#inFlight.http);
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** The kind of slot a task of this kind takes here: http ones take a browser slot on a node without http slots. */
  kindFor(kind: SlotKind): SlotKind {
    return kind === 'http' && this.httpSlots > 0 ? 'http' : 'browser';
  }

  /** Reserves a slot; the kind it took, or null when full or draining (the caller answers 503 FLEET_BUSY). */
  tryAcquire(kind: SlotKind = 'browser'): SlotKind | null {
    const k = this.kindFor(kind);
    if (this.#draining || this.#inFlight[k] >= (k === 'http' ? this.httpSlots : this.slots)) return null;
    this.#inFlight[k]++;
    return k;
  }

  release(kind: SlotKind = 'browser'): void {
    if (this.#inFlight[kind] === 0) throw new Error(`limiter released more ${kind} slots than it gave`);
    this.#inFlight[kind]--;
    if (this.inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  /** Stops admission for good (shutdown); in-flight tasks keep their slots. */
  drain(): void {
    this.#draining = true;
  }

  /** Resolves true when nothing is in flight, or false once `ms` has passed first. */
  waitIdle(ms: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#idleWaiters = this.#idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, ms);
      this.#idleWaiters.push(done);
    });
  }
}

