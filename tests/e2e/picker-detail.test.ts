import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { DATA, LOAD_MORE_BATCH, PICKER_DETAILS, PICKER_RECORDS } from '@trawl/fixtures';
import { VIEW_VIEWPORT } from '@trawl/schemas';
import { join } from 'node:path';
import { SHOTS_DIR, expectAccessible, pageApi, screenshots, signIn, waitForLiveFrame } from './app-helpers.ts';

type Spot = { x: number; y: number };

/** Where the fixture's elements are in a 1280×800 viewport, measured in a browser of the test's own. */
async function spotsOn(browser: Browser, url: string, selectors: Record<string, string>): Promise<Record<string, Spot>> {
  const probe = await browser.newPage({ viewport: VIEW_VIEWPORT });
  await probe.goto(url);
  const out: Record<string, Spot> = {};
  for (const [k, sel] of Object.entries(selectors)) {
    const b = (await probe.locator(sel).first().boundingBox())!;
    out[k] = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  }
  await probe.close();
  return out;
}

/**
 * Clicks a page spot in the live view with a pick mode on (the frame is scaled to its column); `answered` waits until
 * the pick's candidates are shown (a new pick's table differs from the last), so picks do not overlap.
 */
async function pickAt(page: Page, kind: string, spot: Spot, answered = false): Promise<void> {
  const before = answered ? await page.getByTestId('picked').innerText({ timeout: 100 }).catch(() => '') : '';
  await page.getByTestId(`pick-${kind}`).click();
  const surface = page.getByTestId('live-surface');
  await surface.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = (await surface.boundingBox())!;
  const x = box.x + spot.x * box.width / VIEW_VIEWPORT.width;
  const y = box.y + spot.y * box.height / VIEW_VIEWPORT.height;
  await page.mouse.move(x, y);
  await page.mouse.click(x, y);
  if (answered) await expect.poll(() => page.getByTestId('picked').innerText({ timeout: 1000 }).catch(() => ''), { timeout: 30_000 }).not.toBe(before);
}

/** Opens the picker; a click that lands while the form still shifts (validation notes appearing) is tried again. */
async function openPicker(page: Page): Promise<void> {
  await expect.poll(async () => {
    if (await page.getByTestId('pick-open').count()) await page.getByTestId('pick-open').click({ timeout: 5000 }).catch(() => undefined);
    return page.getByTestId('live-surface').count();
  }, { timeout: 30_000, interval: 1000 }).toBe(1);
  await waitForLiveFrame(page);
}

/** Issue #13 §1: detail links built by clicking: open a detail page, pick its fields, test them on three items (ADR 0053). */
describe('picker: detail pages and controls by clicking', () => {
  let browser: Browser;
  let fleet: FleetNode;
  beforeAll(async () => {
    [browser, fleet] = await Promise.all([launchChromium(),
      startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 3 })]);
  });
  afterAll(async () => { await Promise.all([fleet?.stop(), browser?.close()]); });

  it('builds listing and detail fields by clicking only, tests three detail pages, and the run gives every record with its detail fields', async () => {
    const fixture = inject('fixtureUrl');
    const first = PICKER_RECORDS[0]!;
    const listing = await spotsOn(browser, `${fixture}/picker/page-1`, { name: 'article h3', detail: 'article a', next: 'nav.pager a' });
    const detail = await spotsOn(browser, `${fixture}/picker/item/${first.sku}`, { material: 'dl.specs dd', stock: 'dl.specs dd:nth-of-type(2)' });

    const { context, page } = await signIn(browser, `picker-detail-${Date.now().toString(36)}`);
    // Every page of this test is on the fixture site: the organization lifts the per-site politeness delay.
    expect((await pageApi(page, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [], limits: { siteMaxConcurrent: 10, siteMinDelayMs: 0 } })).status).toBe(200);
    await page.goto(`${inject('edgeUrl')}/app/jobs/edit/`);
    await page.locator('#job-name').fill('Detail pages picked by clicking');
    await page.getByLabel('Start URLs').fill(`${fixture}/picker/page-1`);
    await openPicker(page);
    const found = (text: string) => expect.poll(() => page.getByTestId('pick-found').textContent({ timeout: 1000 }).catch(() => null), { timeout: 30_000 }).toBe(text);

    // The listing: a field, the detail link (it generalises to every item's link), the next page.
    expect(await page.getByTestId('pick-open-detail').isDisabled()).toBe(true);
    await pickAt(page, 'field', listing.name!, true);
    await found('Found: 4 / 7');
    await pickAt(page, 'detail', listing.detail!, true);
    await found('Found: 4 / 7');
    await pickAt(page, 'next', listing.next!, true);
    await found(`Found: 4 / 7 → ${fixture}/picker/page-2`);

    // The first item's detail page in the same view session; fields picked there are read from the whole page.
    await page.getByTestId('pick-open-detail').click();
    await expect.poll(() => page.getByTestId('live-url').inputValue(), { timeout: 15_000 }).toBe(`${fixture}/picker/item/${first.sku}`);
    expect(await page.getByTestId('pick-next').count()).toBe(0);
    await page.waitForTimeout(300);
    const tested = PICKER_RECORDS.slice(0, 3);
    const rows = () => page.getByTestId('detail-table').locator('tbody tr').allTextContents();
    await pickAt(page, 'field', detail.material!);
    await expect.poll(rows, { timeout: 45_000 }).toEqual(tested.map((r) => `${fixture}/picker/item/${r.sku}${PICKER_DETAILS[r.sku]!.material}OK`));
    await pickAt(page, 'field', detail.stock!);
    // Each pick re-runs the detail test: the table gains the new field's column for the same three pages.
    await expect.poll(rows, { timeout: 45_000 }).toEqual(tested.map((r) => `${fixture}/picker/item/${r.sku}${PICKER_DETAILS[r.sku]!.material}${PICKER_DETAILS[r.sku]!.stock}OK`));
    expect(await page.getByTestId('detail-found').textContent()).toBe('Found: 3 / 3 detail pages');
    expect(await page.getByTestId('detail-fill').textContent()).toBe('Fill100%100%');
    expect(await page.getByTestId('detail-table').locator('thead th').allTextContents()).toEqual(['Detail page', 'material', 'stock', 'Result']);
    await page.getByTestId('detail-test').screenshot({ path: '/tmp/picker-detail-table.png' });
    await expectAccessible(page, 'job editor with the detail test');
    await screenshots(page, 'picker-detail-test');

    // Back on the listing, its own test table again.
    await page.getByTestId('pick-back-to-list').click();
    await expect.poll(() => page.getByTestId('live-url').inputValue(), { timeout: 15_000 }).toBe(`${fixture}/picker/page-1`);
    await page.getByTestId('pick-preview').waitFor({ timeout: 15_000 });

    await page.getByTestId('save-run-button').click();
    await page.waitForURL(/\/app\/runs\/\?id=/, { timeout: 30_000 });
    const runId = new URL(page.url()).searchParams.get('id')!;
    await expect.poll(async () => String((await pageApi(page, 'GET', `/v1/runs/${runId}`).catch(() => ({ body: {} as Record<string, unknown> }))).body.status), { timeout: 60_000, interval: 500 }).toBe('succeeded');
    const jsonl = await page.evaluate(async (id) => (await fetch(`/v1/runs/${id}/results?format=jsonl`)).text(), runId);
    const records = jsonl.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const expected = PICKER_RECORDS.map((r) => ({ name: r.name, url: `${fixture}/picker/item/${r.sku}`, ...PICKER_DETAILS[r.sku] }));
    expect(records.sort((a, b) => String(a.url).localeCompare(String(b.url)))).toEqual(expected);
    await context.close();
  });
  it('tests a load-more control picked by clicking on the page shown and on a sample page: what each press added, flagged when only this page has it', async () => {
    const fixture = inject('fixtureUrl');
    const spots = await spotsOn(browser, `${fixture}/load-more`, { price: 'li.product .price', more: '#more' });
    const { page } = await signIn(browser, `picker-more-${Date.now().toString(36)}`);
    expect((await pageApi(page, 'PUT', '/v1/policy', { allowDomains: [], denyDomains: [], limits: { siteMaxConcurrent: 10, siteMinDelayMs: 0 } })).status).toBe(200);
    await page.goto(`${inject('edgeUrl')}/app/jobs/edit/`);
    await page.locator('#job-name').fill('Load more picked by clicking');
    // The second start URL is the sample page: the same rows, no load-more button.
    await page.getByLabel('Start URLs').fill(`${fixture}/load-more\n${fixture}/numbered/page-1`);
    await openPicker(page);
    // The page's rows come from a fetch after load: a pick before they are there finds no item, so it is made again.
    await expect.poll(async () => {
      await pickAt(page, 'field', spots.price!);
      return page.getByTestId('pick-found').textContent({ timeout: 5000 }).catch(() => null);
    }, { timeout: 60_000, interval: 1000 }).toBe(`Found: ${LOAD_MORE_BATCH} / ${LOAD_MORE_BATCH}`);
    // The pick goes to the node and back before the control test starts; on a loaded machine a click made while the
    // previous pick's preview still runs can be lost, so it is made again until the test is running or done.
    const testing = page.locator('[data-testid="control-verdict"], p.loading:has-text("Testing the control")');
    await expect.poll(async () => {
      const n = await testing.count();
      if (n === 0) await pickAt(page, 'more', spots.more!);
      return n;
    }, { timeout: 60_000, interval: 4000 }).toBeGreaterThan(0).catch(async (e: unknown) => {
      console.log('MORE PICK', page.url(), await page.getByTestId('picker').innerText({ timeout: 2000 }).catch(() => '(no picker)'));
      await page.screenshot({ path: join(SHOTS_DIR, 'fail-picker-more.png'), fullPage: true }).catch(() => undefined);
      throw e;
    });
    // Two previews one after the other, each bounded at 45 s by the edge: the verdict may take up to 90 s on a loaded machine.
    // The fixture loads LOAD_MORE_BATCH rows a press until its rows run out, then removes the button.
    const presses: string[] = [];
    for (let k = 1; k * LOAD_MORE_BATCH < DATA.loadMore.length; k++) presses.push(`press ${k}: +${Math.min(LOAD_MORE_BATCH, DATA.loadMore.length - k * LOAD_MORE_BATCH)}`);
    const t0 = Date.now();
    await expect.poll(() => page.getByTestId('control-verdict').textContent({ timeout: 1000 }).catch(() => null), { timeout: 95_000 }).toBe('Found on this page only')
      .catch(async (e: unknown) => {
        console.log('CONTROL TEST', Date.now() - t0, 'ms:', await page.getByTestId('picker').innerText().catch(() => '(none)'));
        throw e;
      });
    console.log('control test verdict after', Date.now() - t0, 'ms');
    expect(await page.getByTestId('control-table').locator('tbody tr').allTextContents())
      .toEqual([`This page${fixture}/load-more${presses.join(', ')}`, `Sample page${fixture}/numbered/page-10`]);
    await expectAccessible(page, 'job editor with the control test');
  }, 240_000);
});
