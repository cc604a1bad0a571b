/** What the soft-failure classifiers look at, gathered in one evaluate. Self-contained: it runs in the page. */
export interface PageSignals {
  url: string;
  title: string;
  h1: string;
  /** The start of the visible text. */
  text: string;
  /** Names of the challenge/CAPTCHA markers present. */
  markers: string[];
  passwordField: boolean;
  /** The fixed or sticky layer covering the middle of the viewport, if any: how much of it, and what it says. */
  overlay: { coverage: number; text: string } | null;
}

/**
 * `full` false: only what recognises a challenge beside real items (title, markers), skipping the page's text and
 * layout, which cost tens of milliseconds on long listings.
 */
export function collectSignals(full: boolean): PageSignals {
  const MARKERS: Record<string, string> = {
    'cloudflare-challenge': '#challenge-form, #cf-challenge-running, .cf-browser-verification, #challenge-stage',
    recaptcha: '.g-recaptcha, iframe[src*="recaptcha"]',
    hcaptcha: '.h-captcha, iframe[src*="hcaptcha"]',
    'captcha-form': 'form[action*="captcha" i], #px-captcha, [id*="captcha" i]',
  };
  const markers = Object.entries(MARKERS).filter(([, sel]) => document.querySelector(sel) !== null).map(([name]) => name);
  if (!full) return { url: location.href, title: document.title, h1: '', text: '', markers, passwordField: false, overlay: null };
  const pw = Array.from(document.querySelectorAll('input[type="password"]')).some((el) => el.getClientRects().length > 0);
  let overlay: PageSignals['overlay'] = null;
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  for (let el = document.elementFromPoint(vw / 2, vh / 2); el && el !== document.body; el = el.parentElement) {
    const pos = getComputedStyle(el).position;
    if (pos === 'fixed' || pos === 'sticky') {
      const r = el.getBoundingClientRect();
      const coverage = (Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0)) * Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0))) / (vw * vh);
      overlay = { coverage, text: ((el as HTMLElement).innerText || '').slice(0, 500) };
    }
  }
  return {
    url: location.href,
    title: document.title,
    h1: document.querySelector('h1')?.textContent?.trim().slice(0, 200) ?? '',
    text: (document.body?.innerText ?? '').slice(0, 4000),
    markers,
    passwordField: pw,
    overlay,
  };
}
