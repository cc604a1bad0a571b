import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import type { ArtifactKind, ArtifactsSpec } from '@trawl/schemas';
import type { Step } from '../failure.ts';
import type { ContextOptions } from '../pool.ts';
import { Secrets } from '../secrets.ts';
import type { TaskObserver } from '../task-observer.ts';
import { redactHar, redactTrace, type Window } from './redact.ts';

export interface RecordedFile {
  name: string;
  kind: ArtifactKind;
  contentType: string;
  bytes: Uint8Array;
}

const gzipAsync = promisify(gzip);
/** A screenshot that cannot be taken in this time is skipped: artifacts never decide a task's fate. */
const SHOT_TIMEOUT_MS = 5000;
/** Steps before these have no page worth a picture. */
const PICTURED: ReadonlySet<Step> = new Set(['navigate', 'wait', 'extract']);

/**
 * Records one task's trace, HAR and screenshots as its spec asks. Tracing and HAR run for the whole task even
 * when they are kept only on failure (whether it fails is known only at the end); a kept trace is written by
 * tracing.stop, the HAR by the context's close, so `collect` runs after the runner closed the context.
 * A stored login is never recorded (ADR 0023): the trace chunk stops while it runs, no screenshot is taken, the
 * HAR loses every request started meanwhile, and both files lose session headers and the task's secret values.
 */
export class ArtifactRecorder implements TaskObserver {
  readonly #shots: RecordedFile[] = [];
  #context: BrowserContext | null = null;
  #page: Page | null = null;
  #step: Step = 'policy';
  #grouped = false;
  #traceWritten = false;
  #failed = true;
  readonly #logins: Window[] = [];
  /** The page still shows the login form (typed values) until the runner enters a step after the login. */
  #loginOnPage = false;

  private constructor(private readonly spec: ArtifactsSpec, private readonly dir: string | null, private readonly secrets: Secrets) {}

  /**
   * Null when the spec records nothing (no overhead). A temp dir only for the files Playwright writes (trace, HAR):
   * screenshots stay in memory, so a task that may only take a failure screenshot (the default first attempt) makes
   * none; a directory made and removed per task cost every task two file-system round trips (ADR 0068).
   */
  static async create(spec: ArtifactsSpec, secrets = new Secrets()): Promise<ArtifactRecorder | null> {
    if (spec.trace === 'off' && spec.har === 'off' && spec.screenshots === 'off') return null;
    const files = spec.trace !== 'off' || spec.har !== 'off';
    return new ArtifactRecorder(spec, files ? await mkdtemp(join(tmpdir(), 'trawl-artifacts-')) : null, secrets);
  }

  /** Where Playwright writes a trace or HAR; only asked for when the spec records one (create made the dir). */
  #file(name: string): string {
    if (this.dir === null) throw new Error(`no artifact directory for ${name}: the spec records no trace or HAR`);
    return join(this.dir, name);
  }

  get #inLogin(): boolean {
    return this.#logins.at(-1)?.to === Infinity;
  }

  get #harPath(): string {
    return this.#file('network.har');
  }

  contextOptions(): Partial<ContextOptions> {
    // Bodies are embedded: the HTML the page was given is what explains an extraction.
    return this.spec.har === 'off' ? {} : { recordHar: { path: this.#harPath, content: 'embed' } };
  }

  async attach(context: BrowserContext, page: Page): Promise<void> {
    this.#context = context;
    this.#page = page;
    if (this.spec.trace === 'off') return;
    // DOM snapshots let the viewer show the page at the failing action; screencast frames and sources are not worth their bytes here.
    await context.tracing.start({ snapshots: true, screenshots: false, sources: false, title: page.url() });
  }

  async step(step: Step): Promise<void> {
    const previous = this.#step;
    this.#step = step;
    if (this.#inLogin) return;
    this.#loginOnPage = false;
    if (this.spec.screenshots === 'each-step' && PICTURED.has(previous)) await this.#shoot(previous);
    if (this.spec.trace === 'off' || !this.#context) return;
    // Named groups make the viewer's action list read as the task's steps.
    await this.#ignore(async () => {
      if (this.#grouped) await this.#context?.tracing.groupEnd();
      await this.#context?.tracing.group(step);
      this.#grouped = true;
    });
  }

  async loginStarted(): Promise<void> {
    this.#logins.push({ from: Date.now(), to: Infinity });
    if (this.spec.trace === 'off' || !this.#context) return;
    // Without a path the chunk so far is dropped: a trace starts again after the login.
    await this.#ignore(async () => {
      if (this.#grouped) await this.#context?.tracing.groupEnd();
      this.#grouped = false;
      await this.#context?.tracing.stopChunk();
    });
  }

  async loginEnded(): Promise<void> {
    const last = this.#logins.at(-1);
    if (last) last.to = Date.now();
    this.#loginOnPage = true;
    this.#step = 'policy';
    if (this.spec.trace === 'off' || !this.#context) return;
    await this.#ignore(async () => {
      await this.#context?.tracing.startChunk({ title: this.#page?.url() });
    });
  }

  async beforeClose(failed: boolean, step: Step): Promise<void> {
    this.#failed = failed;
    // The trace is stopped first so the final screenshot is not its last action: the viewer opens on the
    // failing action, or else on the last one, which should be the task's own.
    if (this.#context && keep(this.spec.trace, failed)) {
      await this.#ignore(async () => {
        if (this.#grouped) await this.#context?.tracing.groupEnd();
        await this.#context?.tracing.stop({ path: this.#file('trace.zip') });
        this.#traceWritten = true;
      });
    } else if (this.#context && this.spec.trace !== 'off') {
      // Not kept: the trace is dropped now, so a context kept for the run's next task (ADR 0062) can trace again.
      await this.#ignore(async () => {
        await this.#context?.tracing.stop();
      });
    }
    const shots = this.spec.screenshots;
    if (this.#loginOnPage || this.#inLogin) return;
    if (PICTURED.has(step) && (shots === 'final' || shots === 'each-step' || (shots === 'on-failure' && failed))) await this.#shoot(step);
  }

  /** The files to keep, read after the context closed; the temp dir is removed. `failed` covers stopped tasks. */
  async collect(failed: boolean): Promise<RecordedFile[]> {
    const files: RecordedFile[] = [...this.#shots];
    try {
      if (this.#traceWritten) {
        const trace = redactTrace(await readFile(this.#file('trace.zip')), this.secrets);
        files.push({ name: 'trace.zip', kind: 'trace', contentType: 'application/zip', bytes: trace });
      }
      if (keep(this.spec.har, failed || this.#failed)) {
        const har = await readFile(this.#harPath).catch(() => null);
        if (har) files.push({ name: 'network.har.gz', kind: 'har', contentType: 'application/json', bytes: await gzipAsync(redactHar(har, this.secrets, this.#logins), { level: 6 }) });
      }
    } finally {
      if (this.dir !== null) await rm(this.dir, { recursive: true, force: true });
    }
    return files;
  }

  async #shoot(step: Step): Promise<void> {
    const page = this.#page;
    if (!page || page.isClosed()) return;
    await this.#ignore(async () => {
      const bytes = await page.screenshot({ type: 'png', timeout: SHOT_TIMEOUT_MS });
      this.#shots.push({ name: `step-${this.#shots.length + 1}-${step}.png`, kind: 'screenshot', contentType: 'image/png', bytes });
    });
  }

  async #ignore(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch {
      // A closed context or a crashed page: the task's own error says what happened.
    }
  }
}

/** `on-retry` is resolved per attempt by the coordinator; a task that still carries it is recorded as on-failure. */
function keep(mode: 'off' | 'on-retry' | 'on-failure' | 'always', failed: boolean): boolean {
  return mode === 'always' || ((mode === 'on-failure' || mode === 'on-retry') && failed);
}
