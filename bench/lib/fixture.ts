/** The shared benchmark fixture site (../shared/bench/fixture.mjs), started as a child process. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startProc, type Proc } from '../../scripts/lib/proc.ts';
import { ROOT } from '../../scripts/lib/stack.ts';

export type Variant = 'static' | 'js';
export interface ExpectedRecord { id: string; title: string; price: number; rating: number; url: string; image: string }

export interface Fixture {
  base: string;
  dir: string;
  proc: Proc;
  expected: ExpectedRecord[];
  urls(variant: Variant): string[];
  /** Requests served so far, by first path segment. */
  stats(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export const defaultFixturePath = (): string => resolve(ROOT, '..', 'shared', 'bench', 'fixture.mjs');

export async function startFixture(opts: { path?: string; pages: number; seed?: number }): Promise<Fixture> {
  const path = resolve(opts.path ?? defaultFixturePath());
  if (!existsSync(path)) throw new Error(`fixture not found at ${path} (pass --fixture PATH)`);
  const dir = mkdtempSync(join(tmpdir(), 'trawl-bench-fixture-'));
  const proc = startProc(process.execPath, [path, '--pages', String(opts.pages), '--seed', String(opts.seed ?? 42), '--port', '0', '--dir', dir], { name: 'fixture' });
  const m = await proc.waitFor(/READY (\S+)/, 30_000);
  const base = m[1]!;
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as ExpectedRecord[];
  return {
    base, dir, proc, expected,
    urls: (variant) => readFileSync(join(dir, `urls-${variant}.txt`), 'utf8').split('\n').filter(Boolean),
    stats: async () => (await (await fetch(`${base}/__stats`)).json()) as Record<string, number>,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Verification {
  expected: number;
  received: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  /** Records whose id matched but at least one field differed. */
  mismatched: number;
  /** A few examples of what went wrong, for the report. */
  examples: string[];
}

/**
 * Compares records with the fixture's expected.json by id. url and image are compared as
 * absolute URLs (the job asks for absoluteUrl; expected.json holds site-relative paths).
 */
export function verify(records: ReadonlyArray<Record<string, unknown>>, expected: readonly ExpectedRecord[], base: string): Verification {
  const want = new Map(expected.map((e) => [e.id, e]));
  const seen = new Set<string>();
  const out: Verification = { expected: expected.length, received: records.length, missing: 0, duplicates: 0, unexpected: 0, mismatched: 0, examples: [] };
  const note = (s: string) => { if (out.examples.length < 5) out.examples.push(s); };
  for (const r of records) {
    const id = String(r.id);
    const e = want.get(id);
    if (!e) { out.unexpected++; note(`unexpected record ${JSON.stringify(r).slice(0, 200)}`); continue; }
    if (seen.has(id)) { out.duplicates++; note(`duplicate ${id}`); continue; }
    seen.add(id);
    const abs = (p: string) => new URL(p, base).href;
    const diffs = [
      r.title !== e.title && `title ${JSON.stringify(r.title)} != ${JSON.stringify(e.title)}`,
      r.price !== e.price && `price ${String(r.price)} != ${e.price}`,
      r.rating !== e.rating && `rating ${String(r.rating)} != ${e.rating}`,
      r.url !== abs(e.url) && `url ${String(r.url)} != ${abs(e.url)}`,
      r.image !== abs(e.image) && `image ${String(r.image)} != ${abs(e.image)}`,
    ].filter((d): d is string => typeof d === 'string');
    if (diffs.length) { out.mismatched++; note(`${id}: ${diffs.join('; ')}`); }
  }
  out.missing = expected.length - seen.size;
  return out;
}

export const verificationOk = (v: Verification): boolean => v.missing === 0 && v.duplicates === 0 && v.unexpected === 0 && v.mismatched === 0;
