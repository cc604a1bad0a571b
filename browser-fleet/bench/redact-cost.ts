/**
 * What the redaction of artifacts costs (ADR 0023): the time to strip session headers from and mask a task's
 * secrets in its trace zip and its HAR, for the 20-item listing page recorded with everything on.
 *   node --import tsx browser-fleet/bench/redact-cost.ts        (PAGES=20 by default)
 */
import { gunzipSync } from 'node:zlib';
import { ArtifactRecorder } from '../src/artifacts/recorder.ts';
import { redactHar, redactTrace } from '../src/artifacts/redact.ts';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { Secrets } from '../src/secrets.ts';
import { silentLogger } from '../src/log.ts';
import { startTestSite } from '../test/test-server.ts';
import { makeTask } from '../test/fixtures.ts';
import { defaultChromiumPath } from '../src/chromium-path.ts';

const PAGES = Number(process.env.PAGES ?? 20);
const median = (xs: number[]): string => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(1);
const artifacts = { trace: 'always', har: 'always', screenshots: 'off' } as const;
const pool = await new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger }).start();
const site = await startTestSite();
const none = new Secrets();
const some = new Secrets();
some.addLogin({ credential: { username: 'ada@example.test', password: 'correct horse battery staple' }, flow: null, storageState: null });
const rows = { trace: [] as number[], traceMasked: [] as number[], har: [] as number[], task: [] as number[], traceBytes: 0, harBytes: 0 };
try {
  for (let i = 0; i < PAGES; i++) {
    const t = performance.now();
    const recorder = await ArtifactRecorder.create(artifacts);
    const r = await runTask(makeTask(`${site.url}/listing`, {}, { artifacts }), pool, { nodeId: 'bench', ...(recorder ? { observer: recorder } : {}) });
    const files = await recorder?.collect(r.outcome === 'failed') ?? [];
    rows.task.push(performance.now() - t);
    const trace = files.find((f) => f.kind === 'trace')!.bytes;
    const har = gunzipSync(files.find((f) => f.kind === 'har')!.bytes);
    rows.traceBytes += trace.byteLength;
    rows.harBytes += har.byteLength;
    let s = performance.now();
    redactTrace(trace, none);
    rows.trace.push(performance.now() - s);
    s = performance.now();
    redactTrace(trace, some);
    rows.traceMasked.push(performance.now() - s);
    s = performance.now();
    redactHar(har, some, []);
    rows.har.push(performance.now() - s);
  }
  console.log(`task with trace+HAR always: median ${median(rows.task)} ms; trace zip ${(rows.traceBytes / PAGES / 1024).toFixed(0)} KiB, HAR ${(rows.harBytes / PAGES / 1024).toFixed(0)} KiB`);
  console.log(`redact trace (headers only) ${median(rows.trace)} ms, trace with secrets ${median(rows.traceMasked)} ms, HAR with secrets ${median(rows.har)} ms`);
} finally {
  await Promise.all([pool.close(), site.close()]);
}
