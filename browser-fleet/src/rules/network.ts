import type { Page, Request } from 'playwright-core';

/**
 * Counts the page's requests in flight, for the networkIdle rule and the infinite-scroll stopping rule. Requests
 * that started before tracking began are not counted; finishing ones never push the count below zero.
 */
export class NetworkTracker {
  #inFlight = new Set<Request>();
  #lastChange = Date.now();
  readonly #onStart = (r: Request): void => {
    this.#inFlight.add(r);
    this.#lastChange = Date.now();
  };
  readonly #onEnd = (r: Request): void => {
    this.#inFlight.delete(r);
    this.#lastChange = Date.now();
  };

  constructor(private readonly page: Page) {
    page.on('request', this.#onStart);
    page.on('requestfinished', this.#onEnd);
    page.on('requestfailed', this.#onEnd);
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Milliseconds since the last request started or ended. */
  quietFor(now = Date.now()): number {
    return now - this.#lastChange;
  }

  /**
   * Resolves true once nothing has been in flight for `idleMs`, or false when `capMs` passes first: a page that
   * never goes idle (long polling, beacons) is not an error, the cap is a ceiling.
   */
  async idle(idleMs: number, capMs: number): Promise<boolean> {
    const until = Date.now() + capMs;
    for (;;) {
      const now = Date.now();
      if (this.inFlight === 0 && this.quietFor(now) >= idleMs) return true;
      if (now >= until) return false;
      await new Promise((r) => setTimeout(r, Math.min(50, until - now)));
    }
  }

  dispose(): void {
    this.page.off('request', this.#onStart);
    this.page.off('requestfinished', this.#onEnd);
    this.page.off('requestfailed', this.#onEnd);
  }
}
