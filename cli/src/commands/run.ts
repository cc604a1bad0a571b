/**
 * `trawl run job.json`: saves the job by name (creates it or changes its spec), starts a run, draws its progress
 * from the event stream, writes the results file, and exits 0 only when the run succeeded.
 */
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { runEnded, type JobInput, type ResultFormat, type Run, type Trawl } from '@trawl/sdk';
import { readJobFile, sdkFor, type GlobalFlags } from '../context.ts';
import { EXIT, printJson } from '../output.ts';
import { ProgressView, emptyTally, tally } from '../progress.ts';

interface RunFlags { out?: string; format: ResultFormat }

export function registerRun(program: Command, globals: () => GlobalFlags, done: (code: number) => void) {
  program.command('run').argument('<job.json>', 'a job file: {"name": ..., "spec": {...}}')
    .description('create or update the job by name, run it with live progress, write its results')
    .option('-o, --out <file>', 'results file (default: <run id>.<format>)')
    .option('-f, --format <format>', 'jsonl, json or csv', 'jsonl')
    .action(async (file: string, flags: RunFlags) => done(await runJob(file, flags, globals())));
}

async function runJob(file: string, flags: RunFlags, g: GlobalFlags): Promise<number> {
  const input = readJobFile(file);
  const view = new ProgressView(!g.json);
  const trawl = sdkFor(g, (r) => view.note(`API answered ${r.status}; retrying in ${r.delayMs} ms`));
  try {
    return await follow(trawl, input, flags, g, view);
  } finally {
    // The bar's redraw timer would keep the process alive after an error (a bad spec, a refused key).
    view.stop();
  }
}

async function follow(trawl: Trawl, input: JobInput, flags: RunFlags, g: GlobalFlags, view: ProgressView): Promise<number> {
  const { job, created } = await trawl.jobs.upsert(input);
  if (!g.json) process.stderr.write(`${created ? 'created' : 'updated'} job ${job.id} (${job.name})\n`);
  const started = await trawl.runs.start(job.id);
  if (!g.json) process.stderr.write(`run ${started.id} started\n`);
  let t = emptyTally();
  view.start();
  try {
    for await (const e of trawl.runs.events(started.id, { onReconnect: (r) => view.note(`event stream dropped; resuming after ${r.after}`) })) {
      t = tally(t, e);
      view.show(t);
    }
  } finally {
    view.stop();
  }
  let run: Run = await trawl.runs.get(started.id);
  // The stream ends with run.finished; the run's row is written in the same step, but read again if it lags.
  for (let i = 0; i < 20 && !runEnded(run); i++) {
    await new Promise((r) => setTimeout(r, 250));
    run = await trawl.runs.get(started.id);
  }
  const out = flags.out ?? `${run.id}.${flags.format}`;
  const body = await trawl.runs.download(run.id, flags.format);
  await body.pipeTo(Writable.toWeb(createWriteStream(out)) as WritableStream<Uint8Array>);
  const summary = { jobId: job.id, runId: run.id, status: run.status, counts: run.counts, results: out };
  if (g.json) printJson(summary);
  else {
    process.stdout.write(`${run.status}: ${run.counts.items} items from ${run.counts.pagesSucceeded} pages (${run.counts.pagesFailed} failed) -> ${out}\n`);
    if (run.error) process.stderr.write(`error ${run.error.code}: ${run.error.message}\n`);
  }
  return run.status === 'succeeded' ? EXIT.ok : EXIT.runFailed;
}
