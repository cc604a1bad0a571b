import { describe, expect, it } from 'vitest';
import { collectArgsOf, collectInPage } from '@trawl/engine';
import { TaskSpec, type RunEventInput, type TaskResult } from '@trawl/schemas';
import type { BrowserPool } from '../src/pool.ts';
import type { EgressProxy } from '../src/egress/proxy.ts';
import { executeTask } from '../src/fast/render-executor.ts';
import { DomPage } from '../src/fast/dom-page.ts';
import { LightPage, lightEligible } from '../src/fast/light-page.ts';
import { collectSignals } from '../src/rules/page-signals.ts';
import { makeTask } from './fixtures.ts';
import { pagedSpec, usePagedSite } from './paged-site.ts';

/**
 * The fast path's light tier (ADR 0067): plain pages read on linkedom must give the browser's records (compare mode
 * against real Chromium) and exactly DomPage's (happy-dom's) raw values on markup where parsers and innerText walks
 * could part; anything outside what it answers exactly goes to happy-dom.
 */
interface Product { id: string; name: string; price: string; hidden?: 'hidden' | 'aria' }
const productsOf = (page: number): Product[] => [
  { id: `p${page}-1`, name: 'Tea &amp; Kettle', price: `1,20${page}.50` },
  { id: `p${page}-2`, name: 'Old lamp', price: '3.00', hidden: 'hidden' },
  { id: `p${page}-3`, name: 'Desk <em>Chair</em>   Pro', price: `4${page}.25` },
  { id: `p${page}-4`, name: 'Ghost', price: '1.00', hidden: 'aria' },
  { id: `p${page}-5`, name: 'Café Noir', price: `9${page}` },
];
const card = (p: Product): string => `<li class="card"${p.hidden === 'hidden' ? ' hidden' : p.hidden === 'aria' ? ' aria-hidden="true"' : ''} data-id="${p.id}">
  <h2 class="name">${p.name}</h2>\n<p class="price"><span>$</span>${p.price}</p><a class="link" href="item/${p.id}">more</a>
  <script type="application/ld+json">{"sku":"${p.id}"}</script></li>`;
const plainPage = (page: number): string => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain ${page}</title>
<link rel="stylesheet" href="/site.css"></head><body><header><nav><a href="/">Home</a></nav></header><main><h1>Catalog</h1>
<ul class="cards">${productsOf(page).map(card).join('\n')}</ul><a class="next" href="page-${page + 1}.html">next</a></main></body></html>`;

const SPEC = pagedSpec('li.card');

let base: string;
let pool: BrowserPool;
let egress: EgressProxy; // no sockets of its own until a task opens a lane
usePagedSite(plainPage, (s) => ({ base, egress, pool } = s));

const expectedItems = (page: number): Array<Record<string, unknown>> => productsOf(page).filter((p) => !p.hidden).map((p) => ({
  id: p.id, name: p.name.replace('&amp;', '&').replace(/<\/?em>/g, '').replace(/\s+/g, ' '),
  price: Number(p.price.replace(',', '')), url: `${base}/plain/item/${p.id}`,
}));

describe('fast path light tier', () => {
  it('reads plain pages on linkedom with the browser\'s records (compare mode against Chromium), and says so', async () => {
    const events: RunEventInput[] = [];
    const results: TaskResult[] = await Promise.all([1, 2].map((page) => executeTask(
      makeTask(`${base}/plain/page-${page}.html`, { render: { mode: 'compare', reason: 'sampling' } }, SPEC), pool, { nodeId: 'nod_test', egress },
    )));
    for (const [i, result] of results.entries()) {
      expect(result.render).toEqual({ mode: 'browser', reason: 'identical', compared: 'identical' });
      expect(result.items).toEqual(expectedItems(i + 1));
    }
    const fast = await executeTask(makeTask(`${base}/plain/page-3.html`, { render: { mode: 'http-only', reason: 'forced-http' } }, SPEC), pool,
      { nodeId: 'nod_test', egress, onEvent: (e) => events.push(e) });
    expect(fast.items).toEqual(expectedItems(3));
    expect(fast.discovered).toEqual([{ url: `${base}/plain/page-4.html`, kind: 'page' }]);
    expect(events.find((e) => e.type === 'items.extracted')?.data).toMatchObject({ count: 3, dom: 'light' });
    // FLEET_LIGHT_DOM=false (config lightDom): the same page on happy-dom, the same records.
    const fullEvents: RunEventInput[] = [];
    const full = await executeTask(makeTask(`${base}/plain/page-3.html`, { render: { mode: 'http-only', reason: 'forced-http' } }, SPEC), pool,
      { nodeId: 'nod_test', egress, lightDom: false, onEvent: (e) => fullEvents.push(e) });
    expect(full.items).toEqual(expectedItems(3));
    expect(fullEvents.find((e) => e.type === 'items.extracted')?.data).toMatchObject({ count: 3, dom: 'full' });
  });

  it('gives DomPage\'s raw values where parsers and innerText walks could part', () => {
    const url = `${base}/x/tricky.html`;
    const tricky = `<!DOCTYPE html><HTML><head><title> T&nbsp;1 </title></head><body>
<div class="row" data-id="a"><h2>One<br>Two</h2><p>para<p>implied close</p><span>in\nline</span>  <b>bold</b>&#39;s<!-- c --></div>
<div class="row" data-id="b"><ul><li>x<li>y</ul><div>block <i>inline</i></div>text<audio>no</audio><datalist>z</datalist></div>
<div class="row" data-id="c" hidden><span>hid</span></div><DIV CLASS="row" data-id="d"><Span>Upper</Span> tags</DIV>
<div class="row" data-id="e"><script>var x = "<div class=row>";</script><label>label</label><input value="v"> tail</div>
<a class="next" href="../n/2.html?q=1&amp;r=2">n</a></body></HTML>`;
    const args = collectArgsOf(TaskSpec.parse({ itemSelector: 'div.row:not([data-id="z"])', fields: {
      id: { source: 'attr', attr: 'data-id' }, text: { selector: ':scope > *:nth-child(1)', all: false }, whole: { source: 'text' },
      raw: { source: 'textContent' }, html: { source: 'html' }, kids: { selector: 'span, b, i', all: true },
    }, pagination: { type: 'nextLink', selector: 'a.next' } }));
    // :scope is not plain: the light tier would refuse this spec; the raw values are compared without it.
    expect(lightEligible(tricky, [args])).toBe(false);
    const plainArgs = { ...args, fields: Object.fromEntries(Object.entries(args.fields).filter(([k]) => k !== 'text')) };
    expect(lightEligible(tricky, [plainArgs])).toBe(true);
    // Attribute names in capitals (CLASS=, HIDDEN): htmlparser2 keeps them, an HTML parser lowers them; left to happy-dom.
    expect(LightPage.open(tricky, url)).toBe(null);
    const light = LightPage.open(tricky.replace('<DIV CLASS="row"', '<DIV class="row"'), url)!;
    const full = new DomPage(tricky.replace('<DIV CLASS="row"', '<DIV class="row"'), url);
    const fromLight = light.evaluate(collectInPage, plainArgs);
    expect(fromLight).toEqual(full.evaluate(collectInPage, plainArgs));
    expect(fromLight.items.map((x) => x.id)).toEqual(['a', 'b', 'd', 'e']);
    expect(fromLight.nextHref).toBe(`${base}/n/2.html?q=1&r=2`);
    expect(light.evaluate(collectSignals, true)).toEqual(full.evaluate(collectSignals, true));
    expect(light.runsScripts()).toBe(true);
  });

  it('leaves to happy-dom every page or spec it does not answer exactly', () => {
    const page = plainPage(1);
    const args = collectArgsOf(TaskSpec.parse(SPEC));
    expect(lightEligible(page, [args])).toBe(true);
    for (const markup of ['<style>.a{}</style>', '<p style="display:none">x</p>', '<P STYLE = "color:red">x</P>', '<table><tr><td>1</td></tr></table>',
      '<svg><text>1</text></svg>', '<template><li class="card"></li></template>', '<base href="/x/">', '<noscript><p>x</p></noscript>',
      '<select><option>1</option></select>', '<iframe src="/f"></iframe>', '<dialog open>x</dialog>', '<math><mi>x</mi></math>', '<textarea>x</textarea>']) {
      expect([markup, lightEligible(page.replace('<main>', `<main>${markup}`), [args])]).toEqual([markup, false]);
    }
    const field = (f: Record<string, unknown>) => collectArgsOf(TaskSpec.parse({ ...SPEC, fields: { ...SPEC.fields, extra: f } }));
    for (const f of [{ selector: 'xpath=//b' }, { selector: '//b' }, { selector: 'text=Buy' }, { selector: 'role=button' }, { selector: 'b:has-text("x")' },
      { selector: 'b:has(i)' }, { selector: 'input:checked' }, { selector: 'b', source: 'visible' }]) {
      expect([f, lightEligible(page, [field(f)])]).toEqual([f, false]);
    }
    expect(lightEligible(page, [args], '//li')).toBe(false);
    expect(lightEligible(page, [{ ...args, itemExclude: 'li:has(b)' }])).toBe(false);
  });
});
