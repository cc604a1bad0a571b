import type { MessageKey } from '../i18n/index.ts';

/** One option input of a post-processing step, an action or a pagination kind. */
export interface OptionInput { name: string; kind: 'text' | 'number' | 'bool' | 'select' | 'list'; choices?: string[] }

export const PROCESS_OPS: Record<string, OptionInput[]> = {
  trim: [], lowercase: [], uppercase: [], absoluteUrl: [], json: [],
  number: [{ name: 'decimal', kind: 'select', choices: ['auto', '.', ','] }],
  currency: [{ name: 'decimal', kind: 'select', choices: ['auto', '.', ','] }],
  date: [{ name: 'formats', kind: 'list' }, { name: 'dateOnly', kind: 'bool' }],
  regex: [{ name: 'pattern', kind: 'text' }, { name: 'group', kind: 'number' }],
  replace: [{ name: 'pattern', kind: 'text' }, { name: 'with', kind: 'text' }],
  default: [{ name: 'value', kind: 'text' }],
  split: [{ name: 'separator', kind: 'text' }],
  join: [{ name: 'separator', kind: 'text' }],
};

export const ACTIONS: Record<string, OptionInput[]> = {
  waitFor: [{ name: 'selector', kind: 'text' }, { name: 'state', kind: 'select', choices: ['visible', 'attached', 'hidden', 'detached'] }, { name: 'timeoutMs', kind: 'number' }],
  waitForText: [{ name: 'text', kind: 'text' }, { name: 'timeoutMs', kind: 'number' }],
  waitForUrl: [{ name: 'contains', kind: 'text' }, { name: 'timeoutMs', kind: 'number' }],
  networkIdle: [{ name: 'idleMs', kind: 'number' }, { name: 'capMs', kind: 'number' }],
  delay: [{ name: 'ms', kind: 'number' }],
  click: [{ name: 'selector', kind: 'text' }, { name: 'optional', kind: 'bool' }, { name: 'timeoutMs', kind: 'number' }],
  fill: [{ name: 'selector', kind: 'text' }, { name: 'value', kind: 'text' }],
  select: [{ name: 'selector', kind: 'text' }, { name: 'value', kind: 'text' }],
  press: [{ name: 'key', kind: 'text' }, { name: 'selector', kind: 'text' }],
  dismiss: [{ name: 'selector', kind: 'text' }, { name: 'timeoutMs', kind: 'number' }],
};

export const PAGINATION: Record<string, OptionInput[]> = {
  nextLink: [{ name: 'selector', kind: 'text' }],
  nextButton: [{ name: 'selector', kind: 'text' }, { name: 'maxPages', kind: 'number' }, { name: 'settleMs', kind: 'number' }, { name: 'loading', kind: 'text' }],
  urlTemplate: [{ name: 'template', kind: 'text' }, { name: 'from', kind: 'number' }, { name: 'to', kind: 'number' }],
  loadMore: [{ name: 'selector', kind: 'text' }, { name: 'maxClicks', kind: 'number' }, { name: 'settleMs', kind: 'number' }, { name: 'loading', kind: 'text' }],
  infiniteScroll: [{ name: 'maxScrolls', kind: 'number' }, { name: 'idleMs', kind: 'number' }, { name: 'container', kind: 'text' }, { name: 'virtualized', kind: 'bool' },
    { name: 'rowIndexAttr', kind: 'text' }, { name: 'loading', kind: 'text' }],
};

export const FIELD_SOURCES = ['text', 'textContent', 'html', 'outerHtml', 'attr'];
export const CONTEXTS = ['', 'url', 'fetchedAt', 'panel'];
export const RETRY_CODES = ['NAVIGATION_ERROR', 'NAVIGATION_TIMEOUT', 'HTTP_5XX', 'RATE_LIMITED', 'SELECTOR_TIMEOUT', 'EXTRACTION_EMPTY', 'BLOCKED_BY_SITE', 'BROWSER_CRASHED', 'TASK_TIMEOUT'];

/** The option's label in the catalogue when there is one, else its name (option names are the spec's own words). */
export const optionLabel = (name: string): MessageKey | null => (['selector', 'timeoutMs', 'pattern'].includes(name) ? `opt.${name}` as MessageKey : null);
