/**
 * The guides' HTML as the site serves it (site/src/pages/docs/[slug].astro): links between guides become links between
 * pages, links to files only the repository has keep their text, wide code and tables scroll and are reachable by
 * keyboard, and every table cell carries its column's name so a phone can show each row as a card
 * (`.docs-body td::before { content: attr(data-label) }` in site.css) instead of a table wider than the screen.
 */
export function guideHtml(html: string, guideSlugs: readonly string[]): string {
  return html
    .replace(/href="(?:\.\/)?([a-z0-9-]+)\.md(#[^"]*)?"/g, (m, name: string, hash = '') =>
      guideSlugs.includes(name) ? `href="/docs/${name}/${hash}"` : m)
    .replace(/<a href="(?!\/docs\/|https?:|#)[^"]*">([\s\S]*?)<\/a>/g, '$1')
    .replace(/<pre>/g, '<pre tabindex="0">')
    .replace(/<table>([\s\S]*?)<\/table>/g, (_m, body: string) =>
      `<div class="table-wrap" role="region" aria-label="Table" tabindex="0"><table>${labelCells(body)}</table></div>`);
}

/** Gives each body cell `data-label` with the text of its column's header (tags stripped, quotes escaped). */
function labelCells(table: string): string {
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '';
  const names = [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => textOf(m[1]!));
  if (!names.length) return table;
  return table.replace(/<tbody>([\s\S]*?)<\/tbody>/, (_m, rows: string) =>
    `<tbody>${rows.replace(/<tr>([\s\S]*?)<\/tr>/g, (_r, cells: string) => {
      let i = 0;
      return `<tr>${cells.replace(/<td(\s[^>]*)?>/g, (_c, attrs = '') => `<td${attrs} data-label="${names[i++] ?? ''}">`)}</tr>`;
    })}</tbody>`);
}

function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" })[e]!)
    .trim().replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
