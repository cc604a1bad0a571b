import { describe, expect, it } from 'vitest';
import { guideHtml } from '../src/docs/html.ts';

describe('guideHtml', () => {
  it('labels every body cell with its column header, so a phone can show rows as cards', () => {
    const html = '<table><thead><tr><th>Field</th><th align="left"><code>Type</code> &amp; limits</th></tr></thead>'
      + '<tbody><tr><td><code>name</code></td><td align="left">string</td></tr><tr><td>a</td><td>b</td></tr></tbody></table>';
    expect(guideHtml(html, [])).toBe('<div class="table-wrap" role="region" aria-label="Table" tabindex="0"><table>'
      + '<thead><tr><th>Field</th><th align="left"><code>Type</code> &amp; limits</th></tr></thead><tbody>'
      + '<tr><td data-label="Field"><code>name</code></td><td align="left" data-label="Type &amp; limits">string</td></tr>'
      + '<tr><td data-label="Field">a</td><td data-label="Type &amp; limits">b</td></tr></tbody></table></div>');
  });

  it('links guides to their pages and drops links to repository files, keeping their text', () => {
    expect(guideHtml('<a href="cookbook.md#scroll">x</a> <a href="./adr/0001-x.md">ADR</a> <a href="https://e.test/">e</a>', ['cookbook']))
      .toBe('<a href="/docs/cookbook/#scroll">x</a> ADR <a href="https://e.test/">e</a>');
  });

  it('makes code blocks reachable by keyboard', () => {
    expect(guideHtml('<pre><code>x</code></pre>', [])).toBe('<pre tabindex="0"><code>x</code></pre>');
  });
});
