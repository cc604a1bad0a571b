/**
 * The shipped gallery: common patterns as starting specs (start URLs are placeholders to replace). Saving a job as an
 * organization template, with templates as an API resource, is still to come (ADR 0030).
 */
import type { Json } from './editor/draft.ts';

export interface Template { id: string; spec: Json }

export const TEMPLATES: Template[] = [
  { id: 'listing-next-link', spec: {
    startUrls: ['https://shop.example.com/catalog/page-1.html'], itemSelector: '.product',
    fields: { name: { selector: '.name', required: true }, price: { selector: '.price', process: [{ op: 'number' }] }, url: { selector: 'a', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] } },
    pagination: { type: 'nextLink', selector: 'a.next' }, dedupeKey: ['url'],
  } },
  { id: 'infinite-scroll', spec: {
    startUrls: ['https://feed.example.com/'], itemSelector: 'article',
    fields: { title: { selector: 'h2', required: true }, date: { selector: 'time', source: 'attr', attr: 'datetime', process: [{ op: 'date' }] } },
    pagination: { type: 'infiniteScroll', maxScrolls: 20 }, dedupeKey: ['title'],
  } },
  { id: 'load-more', spec: {
    startUrls: ['https://shop.example.com/search?q=lamp'], itemSelector: '.result',
    fields: { name: { selector: '.name', required: true }, price: { selector: '.price', process: [{ op: 'currency' }] } },
    actions: [{ do: 'dismiss', selector: 'role=button[name="Accept cookies"]' }],
    pagination: { type: 'loadMore', selector: 'button.load-more' },
  } },
  { id: 'detail-pages', spec: {
    startUrls: ['https://shop.example.com/catalog/'], itemSelector: '.product',
    fields: { name: { selector: '.name', required: true }, url: { selector: 'a', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] } },
    detail: { urlField: 'url', fields: { description: { selector: '.description', required: true } } },
  } },
  { id: 'url-template', spec: {
    startUrls: ['https://news.example.com/archive?page=1'], itemSelector: 'li.story',
    fields: { headline: { selector: 'a', required: true }, link: { selector: 'a', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] } },
    pagination: { type: 'urlTemplate', template: 'https://news.example.com/archive?page={n}', from: 2, to: 10 },
  } },
];
