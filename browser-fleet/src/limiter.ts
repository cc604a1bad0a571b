/**
 * Admission control in one place: a node accepts a task only when a slot is free and it is
 * not draining. The edge dispatches by the free count in heartbeats, but this is the authority.
 */
export class Limiter {
  #inFlight = 0;
  #draining = false;
  #idleWaiters: Array<() => void> = [];

  constructor(readonly slots: number) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  get free(): number {
    return this.#draining ? 0 : Math.max(0, this.slots - this.#inFlight);
  }

  get draining(): boolean {
    return this.#draining;
  }

  /** Reserves a slot; false when full or draining (the caller answers 503 FLEET_BUSY). */
  tryAcquire(): boolean {
    if (this.#draining || this.#inFlight >= this.slots) return false;
    this.#inFlight++;
    return true;
  }

  release(): void {
    if (this.#inFlight === 0) throw new Error('limiter released more slots than it gave');
    this.#inFlight--;
    if (this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  /** Stops admission for good (shutdown); in-flight tasks keep their slots. */
  drain(): void {
    this.#draining = true;
  }

  /** Resolves true when nothing is in flight, or false once `ms` has passed first. */
  waitIdle(ms: number): Promise<boolean> {
    if (this.#inFlight === 0) return Promise.resolve(true);
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
