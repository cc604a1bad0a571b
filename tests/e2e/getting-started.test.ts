import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { PAGE_COUNT, PAGE_SIZE, demoCatalog } from '../../demo/src/server.ts';
import { startProc, type Proc } from '../../scripts/lib/proc.ts';
import { parseCsv } from './csv.ts';
import { launchChromium } from './browser.ts';
import { checkPage } from './app-helpers.ts';
import { GUIDES } from '../../site/src/docs/guides.ts';
import { ROOT } from '../../scripts/lib/stack.ts';

/**
 * docs/getting-started.md, followed literally: `npm run dev`'s own script (in a state directory of its own), then
 * every shell block of the page in order, in one bash with the `export` line dev printed, as a person would paste them.
 */
const guide = readFileSync(join(ROOT, 'docs', 'getting-started.md'), 'utf8');
const blocks = [...guide.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('the getting-started guide', () => {
  const state = mkdtempSync(join(tmpdir(), 'trawl-guide-'));
  const work = mkdtempSync(join(tmpdir(), 'trawl-guide-work-'));
  let dev: Proc | undefined;
  afterAll(async () => {
    // Ctrl-C, as the guide's reader would: dev stops everything it started.
    if (dev) { process.kill(-dev.child.pid!, 'SIGINT'); await dev.stop(20_000); }
    rmSync(state, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('takes a new user from npm run dev to the demo shop\'s products in a CSV file', async () => {
    expect(blocks[0]!.trim()).toBe('npm run dev');
    dev = startProc(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'dev.ts')], {
      cwd: ROOT, name: 'dev', env: { ...process.env, TRAWL_DEV_STATE_DIR: state },
    });
    const [exportLine] = await dev.waitFor(/^\s*export TRAWL_API_URL=\S+ TRAWL_API_KEY=\S+ TRAWL_DEMO=\S+ TRAWL_PATTERNS=\S+$/m, 150_000);
    const script = ['set -euo pipefail', exportLine.trim(), ...blocks.slice(1)].join('\n');
    // The reader works in the repository's folder; the files the guide writes go to a folder of the test's own.
    for (const dir of ['cli', '.tools']) symlinkSync(join(ROOT, dir), join(work, dir));
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd: work, timeout: 90_000 });

    const catalog = demoCatalog();
    expect(stdout).toContain('the key works');
    // The preview reads the first page: PAGE_SIZE items, every field filled.
    expect(stdout).toContain(`${PAGE_SIZE} items, fill rates { sku: 1, name: 1, price: 1 }`);
    expect(stdout).toMatch(/^run run_\S+ started$/m);
    expect(stdout).toContain(`succeeded ${PAGE_SIZE * PAGE_COUNT} items []`);
    // The CLI (step 7) ran the same job again and wrote every record.
    const cliRecords = readFileSync(join(work, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { sku: string });
    expect(cliRecords.map((r) => r.sku).sort()).toEqual(catalog.map((p) => p.sku).sort());
    // Every product of the shop, in its order, as the demo site's own data has it.
    expect(parseCsv(readFileSync(join(work, 'results.csv'), 'utf8'))).toEqual([
      ['sku', 'name', 'price'], ...catalog.map((p) => [p.sku, p.name, String(p.price)])]);
  }, 300_000);

  it('serves every guide as an accessible page whose links to other guides resolve', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const linked = new Set<string>();
      for (const g of GUIDES) {
        const res = await page.goto(`${inject('edgeUrl')}/docs/${g.slug}/`);
        expect(res?.status(), g.slug).toBe(200);
        // The page's first heading is the Markdown file's own.
        const h1 = readFileSync(join(ROOT, 'docs', `${g.slug}.md`), 'utf8').match(/^# (.+)$/m)![1]!;
        await expect.poll(() => page.locator('article h1').innerText()).toBe(h1);
        await checkPage(page, `docs-${g.slug}`);
        for (const href of await page.locator('article a[href^="/docs/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!))) linked.add(href.split('#')[0]!);
        // No link to a Markdown file is left for a reader to fall into.
        expect(await page.locator('article a[href$=".md"]').count(), g.slug).toBe(0);
      }
      expect([...linked].sort()).toEqual(['/docs/cookbook/', '/docs/getting-started/', '/docs/jobspec/', '/docs/sdk/']);
      for (const href of linked) expect((await fetch(`${inject('edgeUrl')}${href}`)).status, href).toBe(200);
      // On a phone the reference's tables are cards (each value under its column's name), not wider than the screen.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${inject('edgeUrl')}/docs/jobspec/`);
      const wide = await page.locator('article .table-wrap').evaluateAll((ws) => ws.filter((w) => w.scrollWidth > w.clientWidth + 1).length);
      expect(wide).toBe(0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      const firstCell = page.locator('article tbody td').first();
      expect(await firstCell.evaluate((td) => getComputedStyle(td, '::before').content)).toBe(`"${await page.locator('article thead th').first().innerText()}"`);
      await checkPage(page, 'docs-jobspec-phone');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
