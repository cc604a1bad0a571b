/**
 * Every string the app shows comes from one catalogue (en.ts; ko.ts must have every key, the compiler checks).
 * The language is the person's choice, kept in localStorage; the first visit follows the browser.
 */
import { createSignal } from 'solid-js';
import { en, type MessageKey } from './en.ts';
import { ko } from './ko.ts';
import type { ErrorCode } from '@trawl/schemas';
import { ERROR_HINTS_KO } from './errors-ko.ts';

export type Lang = 'en' | 'ko';
const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, ko };
const STORE_KEY = 'trawl.lang';

function initial(): Lang {
  if (typeof localStorage === 'undefined') return 'en';
  const saved = localStorage.getItem(STORE_KEY);
  if (saved === 'en' || saved === 'ko') return saved;
  return navigator.language.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

const [lang, setLangSignal] = createSignal<Lang>(initial());
export { lang };

export function setLang(next: Lang): void {
  localStorage.setItem(STORE_KEY, next);
  document.documentElement.lang = next;
  setLangSignal(next);
}

/** The message for `key` in the current language, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = CATALOGUES[lang()][key] ?? en[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return '—';
  return new Intl.DateTimeFormat(lang() === 'ko' ? 'ko-KR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' }).format(ms);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export type { MessageKey };

/** The hint for an error code in the UI's language: the Korean catalogue when Korean, else the English one given. */
export function errorHint(code: string, english: string | undefined): string | undefined {
  if (lang() === 'ko' && code in ERROR_HINTS_KO) return ERROR_HINTS_KO[code as ErrorCode];
  return english;
}
