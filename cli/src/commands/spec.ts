/** `trawl login`, `trawl validate job.json`, `trawl preview job.json`: setting up and checking a job before running it. */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { Trawl } from '@trawl/sdk';
import { DEFAULT_URL, saveConfig } from '../config.ts';
import { readJobFile, sdkFor, type GlobalFlags } from '../context.ts';
import { EXIT, UsageError, printJson } from '../output.ts';
import { table } from '../table.ts';

type Done = (code: number) => void;

async function askKey(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  process.stderr.write('API key: ');
  for await (const line of rl) { rl.close(); return line.trim(); }
  return '';
}

export function registerSpec(program: Command, globals: () => GlobalFlags, done: Done) {
  program.command('login').description('check an API key and store it (file mode 600)')
    .option('-k, --key <key>', 'the API key (else read from stdin)')
    .action(async (f: { key?: string }) => {
      const apiKey = f.key || process.env.TRAWL_API_KEY || await askKey();
      if (!apiKey) throw new UsageError('NO_KEY', 'No API key given', EXIT.badInput, 'trawl login --key trawl_sk_…');
      const baseUrl = globals().url ?? process.env.TRAWL_API_URL ?? DEFAULT_URL;
      const me = await new Trawl({ baseUrl, apiKey }).me();
      const path = saveConfig({ apiKey, baseUrl });
      if (globals().json) printJson({ config: path, me });
      else process.stdout.write(`logged in to ${baseUrl}; key stored in ${path}\n`);
      done(EXIT.ok);
    });

  program.command('validate').argument('<job.json>').description('check a job file against the API (problems with their paths)')
    .action(async (file: string) => {
      const job = readJobFile(file);
      const answer = await sdkFor(globals()).jobs.validate(job.spec);
      if (globals().json) printJson(answer);
      else {
        process.stdout.write(`${file}: valid\n`);
        for (const w of answer.warnings) process.stdout.write(`warning ${w.path}: ${w.message}\n`);
      }
      done(EXIT.ok);
    });

  program.command('preview').argument('<job.json>').description('run the job on one page: items and fill rates')
    .option('--url <url>', 'the page (default: the first start URL)').option('--rows <n>', 'items to show', '10')
    .action(async (file: string, f: { url?: string; rows: string }) => {
      const job = readJobFile(file);
      const p = await sdkFor(globals()).jobs.preview({ spec: job.spec, screenshot: false, ...(f.url ? { url: f.url } : {}) } as Parameters<Trawl['jobs']['preview']>[0]);
      if (globals().json) { printJson({ ...p, screenshot: undefined }); return done(p.outcome === 'succeeded' ? EXIT.ok : EXIT.runFailed); }
      const fields = Object.keys(job.spec.fields ?? {});
      const rows = p.items.slice(0, Number(f.rows)).map((it) => fields.map((k) => (it as Record<string, unknown>)[k]));
      process.stdout.write(`${p.outcome}: ${p.itemCount} items on ${p.finalUrl ?? p.url}\n`);
      if (rows.length) process.stdout.write(`${table(fields, rows, 30)}\n`);
      process.stdout.write(`${table(['field', 'fill rate'], fields.map((k) => [k, `${Math.round((p.fillRates[k] ?? 0) * 100)}%`]))}\n`);
      for (const w of p.warnings) process.stdout.write(`warning: ${w}\n`);
      if (p.error) process.stderr.write(`error ${p.error.code}: ${p.error.message}\n`);
      done(p.outcome === 'succeeded' ? EXIT.ok : EXIT.runFailed);
    });
}
