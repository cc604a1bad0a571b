import { z } from 'zod';
import { JobSpec } from './job-spec.ts';

/**
 * Templates: a job spec to start a new job from. The built-in gallery (common page patterns) ships with Trawl and is
 * listed to every organization before its own templates; the API serves both, so the app and API users see one list.
 */
export const TemplateInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(1000).default(''),
  spec: JobSpec,
}).strict();
export type TemplateInput = z.infer<typeof TemplateInput>;

export const Template = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  /** Shipped with Trawl: readable by every organization, never deleted. */
  builtIn: z.boolean(),
  spec: JobSpec,
  /** Null for built-in templates. */
  createdAt: z.number().int().nullable(),
});
export type Template = z.infer<typeof Template>;

type BuiltInSource = { id: string; name: string; description: string; spec: z.input<typeof JobSpec> };

/** The gallery (start URLs are placeholders to replace). Ids have no `tpl_` prefix, so they never clash with saved ones. */
const GALLERY: BuiltInSource[] = [
  { id: 'listing-next-link', name: 'Listing with a next link', description: 'Product cards on pages linked by a "next" link.', spec: {
    startUrls: ['https://shop.example.com/catalog/page-1.html'], itemSelector: '.product',
    fields: { name: { selector: '.name', required: true }, price: { selector: '.price', process: [{ op: 'number' }] }, url: { selector: 'a', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] } },
    pagination: { type: 'nextLink', selector: 'a.next' }, dedupeKey: ['url'],
  } },
  { id: 'infinite-scroll', name: 'Infinite scroll', description: 'A feed that loads more as you scroll.', spec: {
    startUrls: ['https://feed.example.com/'], itemSelector: 'article',
    fields: { title: { selector: 'h2', required: true }, date: { selector: 'time', source: 'attr', attr: 'datetime', process: [{ op: 'date' }] } },
    pagination: { type: 'infiniteScroll', maxScrolls: 20 }, dedupeKey: ['title'],
  } },
  { id: 'load-more', name: 'Load more button', description: 'Results behind a "Load more" button, with a cookie banner dismissed.', spec: {
    startUrls: ['https://shop.example.com/search?q=lamp'], itemSelector: '.result',
    fields: { name: { selector: '.name', required: true }, price: { selector: '.price', process: [{ op: 'currency' }] } },
    actions: [{ do: 'dismiss', selector: 'role=button[name="Accept cookies"]' }],
    pagination: { type: 'loadMore', selector: 'button.load-more' },
  } },
  { id: 'detail-pages', name: 'Listing and detail pages', description: 'Each item\'s own page visited for more fields.', spec: {
    startUrls: ['https://shop.example.com/catalog/'], itemSelector: '.product',
    fields: { name: { selector: '.name', required: true }, url: { selector: 'a', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] } },
    detail: { urlField: 'url', fields: { description: { selector: '.description', required: true } } },
  } },
  { id: 'url-template', name: 'Numbered pages', description: 'Pages whose URLs differ only by a number.', spec: {
    startUrls: ['https://news.example.com/archive?page=1'], itemSelector: 'li.story',
    fields: { headline: { selector: 'a', required: true }, link: { selector: 'a', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] } },
    pagination: { type: 'urlTemplate', template: 'https://news.example.com/archive?page={n}', from: 2, to: 10 },
  } },
  { id: 'tabs', name: 'Tabs', description: 'Items split across tabs: each tab is clicked in turn and its name kept with the items it shows.', spec: {
    startUrls: ['https://shop.example.com/categories'], itemSelector: '.product',
    fields: { name: { selector: '.name', required: true }, price: { selector: '.price', process: [{ op: 'number' }] }, category: { context: 'panel' } },
    // The panel fills after the click: the wait is per tab (panels.waitFor), not for the first page's items.
    panels: { selector: 'role=tab', waitFor: '.product' }, wait: { forItems: false, timeoutMs: 10_000 },
  } },
  // No `login.id`: a stored login belongs to one organization, so the person picks theirs in the editor's Login section.
  // softFailures (on by default) turns a sign-in page behind an expired session into LOGIN_REQUIRED, not an empty success.
  { id: 'login', name: 'Pages behind a login', description: 'A listing only signed-in people see: pick your stored login (Settings, Logins) in the Login section.', spec: {
    startUrls: ['https://shop.example.com/account/orders'], itemSelector: '.product',
    fields: { name: { selector: '.name', required: true }, price: { selector: '.price', process: [{ op: 'number' }] } },
    softFailures: true, retry: { maxAttempts: 1 },
  } },
];

/** The gallery with every spec parsed (defaults filled in), as the API returns it. A bad entry fails at load. */
export const BUILT_IN_TEMPLATES: readonly Template[] = GALLERY.map((g) => ({ ...g, builtIn: true, spec: JobSpec.parse(g.spec), createdAt: null }));

export const isBuiltInTemplateId = (id: string): boolean => BUILT_IN_TEMPLATES.some((t) => t.id === id);
