/** Reading commands: `trawl jobs`, `trawl runs`, `trawl results <run>`, `trawl logs <run> [--follow]`. */
import { createWriteStream } from 'node:fs';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { ResultFormat, RunEvent } from '@trawl/sdk';
import { sdkFor, type GlobalFlags } from '../context.ts';
import { EXIT, printJson } from '../output.ts';
import { table, when } from '../table.ts';

type Done = (code: number) => void;
const eventLine = (e: RunEvent) => `${when(e.ts)} ${e.level.padEnd(5)} ${e.type.padEnd(16)} ${e.message}${e.url ? ` ${e.url}` : ''}`;

export function registerRead(program: Command, globals: () => GlobalFlags, done: Done) {
  program.command('jobs').description('list jobs').option('-q, --query <text>', 'search name, start URL or id')
    .action(async (f: { query?: string }) => {
      const page = await sdkFor(globals()).jobs.list(f.query ? { q: f.query, limit: 100 } : { limit: 100 });
      if (globals().json) printJson(page.data);
      else process.stdout.write(`${table(['id', 'name', 'created'], page.data.map((j) => [j.id, j.name, when(j.createdAt)]))}\n`);
      done(EXIT.ok);
    });

  program.command('runs').description('list runs, newest first').option('-j, --job <id>', 'only this job\'s runs')
    .action(async (f: { job?: string }) => {
      const page = await sdkFor(globals()).runs.list(f.job ? { jobId: f.job, limit: 100 } : { limit: 100 });
      if (globals().json) printJson(page.data);
      else {
        const rows = page.data.map((r) => [r.id, r.jobId, r.status, r.counts.items, r.counts.pagesSucceeded, r.counts.pagesFailed, when(r.createdAt)]);
        process.stdout.write(`${table(['id', 'job', 'status', 'items', 'pages', 'failed', 'created'], rows)}\n`);
      }
      done(EXIT.ok);
    });

  program.command('results').argument('<run>', 'run id').description('download a finished run\'s results')
    .option('-f, --format <format>', 'jsonl, json or csv', 'jsonl').option('-o, --out <file>', 'write to a file instead of stdout')
    .action(async (runId: string, f: { format: ResultFormat; out?: string }) => {
      const body = await sdkFor(globals()).runs.download(runId, f.format);
      await body.pipeTo(Writable.toWeb(f.out ? createWriteStream(f.out) : process.stdout) as WritableStream<Uint8Array>, { preventClose: !f.out });
      done(EXIT.ok);
    });

  program.command('logs').argument('<run>', 'run id').description('a run\'s events; --follow streams them live until the run ends')
    .option('--follow', 'follow live events (reconnects and resumes)').option('--after <seq>', 'only events after this seq', '0')
    .action(async (runId: string, f: { follow?: boolean; after: string }) => {
      const trawl = sdkFor(globals());
      const print = (e: RunEvent) => process.stdout.write(`${globals().json ? JSON.stringify(e) : eventLine(e)}\n`);
      if (f.follow) for await (const e of trawl.runs.events(runId, { after: Number(f.after) })) print(e);
      else for (const e of await trawl.runs.logs(runId, Number(f.after))) print(e);
      done(EXIT.ok);
    });
}
