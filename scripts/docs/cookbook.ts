/**
 * docs/cookbook.md, generated from the fixture site's own jobs (fixtures/src/jobs.ts): the recipes are the very
 * specs the end-to-end tests run with exact expected records (page-patterns, patterns, loading, computed), so a
 * recipe that stops working fails a test. `node --import tsx scripts/docs/generate.ts` rewrites it.
 */
import { fixtureJobs, type FixturePattern } from '../../fixtures/src/jobs.ts';

/** Where `npm run dev` serves the fixture site (scripts/dev.ts). */
export const PATTERNS_URL = 'http://127.0.0.1:8789';

interface Recipe { name: FixturePattern; title: string; when: string; how: string }

const RECIPES: Recipe[] = [
  { name: 'numbered', title: 'Numbered pages with a "next" link', when: 'Each page of the listing has its own URL and a link to the next one.',
    how: '`pagination.type: "nextLink"` follows the link; every page is its own task, run in parallel up to `concurrency`.' },
  { name: 'urlTemplate', title: 'Pages you can count', when: 'The page number is in the URL and you know the range.',
    how: '`urlTemplate` makes every URL up front (`{n}` from `from` to `to`), so all pages start at once.' },
  { name: 'jsNext', title: 'A "next" button that redraws the list', when: 'Clicking next changes the items in place (no new URL).',
    how: '`nextButton` clicks within the task and waits until the items changed and then held still (`settleMs` is the longest wait).' },
  { name: 'wavesNext', title: 'A "next" button with a loading marker', when: 'The list shows a spinner or a "loading" class while the next page arrives.',
    how: 'Name the marker in `loading`: a page counts as settled only when the marker is gone.' },
  { name: 'loadMore', title: '"Load more"', when: 'A button appends the next batch to the same list.',
    how: '`loadMore` clicks until the button has been gone or disabled for `settleMs` with no request in flight.' },
  { name: 'spinnerMore', title: '"Load more" replaced by a spinner', when: 'The button disappears while loading and is drawn again as a new element.',
    how: 'The selector is looked up afresh after each click, so the redrawn button is found; the run warns `PAGINATION_UNFINISHED` if it stops on `maxClicks` with the button still there.' },
  { name: 'scroll', title: 'Infinite scroll', when: 'Items arrive as you scroll the page down.',
    how: '`infiniteScroll` scrolls until the height and the item count held still for `idleMs` with no request in flight.' },
  { name: 'scrollBox', title: 'Infinite scroll inside a box', when: 'Only a panel of the page scrolls (an element with `overflow: auto`).',
    how: 'Give the panel as `container`; scrolling the window would load nothing.' },
  { name: 'virtualGrid', title: 'A virtualized grid (recycled rows)', when: 'The grid keeps only the visible rows in the page (react-window and the like).',
    how: '`virtualized: true` collects rows by key as they pass and orders them by `aria-rowindex` (or `rowIndexAttr`).' },
  { name: 'tabs', title: 'Tabs', when: 'The items are split over tabs or accordion panels.',
    how: '`panels` opens each tab and extracts after each; `context: "panel"` records which tab an item came from.' },
  { name: 'spa', title: 'A single-page app with skeleton rows', when: 'The page first draws empty placeholder rows, then fills them.',
    how: 'Wait for the placeholders to go (`waitFor … state: "detached"`) before extracting.' },
  { name: 'busy', title: 'A page that keeps loading', when: 'Scripts keep fetching after load (analytics, polling).',
    how: '`networkIdle` with `capMs`: wait for a quiet moment, but never longer than the cap (a cap is not an error).' },
  { name: 'shadow', title: 'Web components (shadow DOM)', when: 'The items are custom elements with their content in open shadow roots.',
    how: 'CSS and role selectors pierce open shadow roots; nothing extra is needed.' },
  { name: 'iframe', title: 'A listing inside an iframe', when: 'The items live in a same-origin iframe.',
    how: '`frame` names the iframe; selectors run inside it.' },
  { name: 'frameForm', title: 'A search form behind a consent wall, in frames', when: 'You must accept a banner and submit a form before the results show.',
    how: '`actions` run in order, each in its `frame`; fields can be computed from others (`compute`), dates placed in `timeZone`.' },
  { name: 'detail', title: 'Detail pages', when: 'Part of each record is only on the item\'s own page.',
    how: '`detail.urlField` names the field holding the link; the detail page\'s `fields` are merged into the item.' },
  { name: 'rateLimited', title: 'A site that answers 429', when: 'The site throttles you now and then.',
    how: '`retry` waits for `Retry-After` and tries again; the run counts the retries.' },
];

const fence = (json: unknown) => `\`\`\`json\n${JSON.stringify(json, null, 2)}\n\`\`\``;

export function cookbookMarkdown(): string {
  const jobs = fixtureJobs(PATTERNS_URL, 'cookbook');
  const out = [
    '# Cookbook: dynamic pages',
    '',
    '<!-- Generated by scripts/docs/generate.ts from fixtures/src/jobs.ts: edit those, not this file. -->',
    '',
    `Each recipe is a complete job for one page of the pattern site that \`npm run dev\` serves at ${PATTERNS_URL}`,
    '(the same pages and jobs the end-to-end tests run, with the exact records each must give). To try one, save the',
    'JSON as `job.json` and create and run it as in [Getting started](getting-started.md) (steps 3 and 4), or paste its',
    '`spec` into the app\'s job editor (JSON tab) and press Preview. Every field is described in the',
    '[JobSpec reference](jobspec.md).',
    '',
    '## Contents',
    ...RECIPES.map((r) => `- [${r.title}](#${r.name.toLowerCase()})`),
    '',
  ];
  for (const r of RECIPES) {
    const { spec, expected } = jobs[r.name];
    out.push(`<a id="${r.name.toLowerCase()}"></a>`, `## ${r.title}`, '', `**When:** ${r.when}`, '', `**How:** ${r.how}`, '',
      fence({ name: `Cookbook: ${r.title}`, spec }), '',
      `Gives ${expected.length} records; the first: \`${JSON.stringify(expected[0])}\`.`, '');
  }
  return out.join('\n');
}
