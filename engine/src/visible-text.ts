/**
 * The `visible` field source (issue #12 §5, ADR 0033): the text a person sees, in the order they see it. Runs inside
 * the page (inPageSource defines it beside the collector), so it is self-contained like collectInPage.
 *
 * The element's text nodes and its ::before/::after content become fragments placed where they are drawn; fragments
 * that are not seen are left out (display/visibility, opacity 0, aria-hidden, clip/clip-path that hides, zero size,
 * off the page, clipped away by an overflow:hidden ancestor); the rest are read line by line, left to right (right
 * to left when the element is right-to-left). `unicode-bidi: bidi-override` text is reversed as drawn, and
 * text-transform is applied, as innerText does.
 */
export function visibleTextInPage(root: Element): string {
  type Frag = { text: string; x: number; y: number; right: number; h: number };
  const frags: Frag[] = [];
  const hiddenCache = new Map<Element, boolean>();
  const pageBox = { left: -window.scrollX, top: -window.scrollY };
  const hidesAll = (s: CSSStyleDeclaration): boolean => {
    const cp = s.clipPath;
    if (/^inset\(\s*(5\d|[6-9]\d|100)%/.test(cp) || /^(circle|ellipse)\(\s*0(px|%)?[\s)]/.test(cp)) return true;
    const clip = /^rect\(([^)]*)\)$/.exec(s.clip);
    if (clip && (s.position === 'absolute' || s.position === 'fixed')) {
      const [t, r, b, l] = clip[1]!.split(/[\s,]+/).map((v) => parseFloat(v) || 0);
      return r! - l! <= 1 || b! - t! <= 1;
    }
    return false;
  };
  const hidden = (el: Element | null): boolean => {
    if (!el || el === document.documentElement) return false;
    const known = hiddenCache.get(el);
    if (known !== undefined) return known;
    const s = getComputedStyle(el);
    const out = s.display === 'none' || s.visibility !== 'visible' || parseFloat(s.opacity) === 0 || el.getAttribute('aria-hidden') === 'true'
      || hidesAll(s) || hidden(el.parentElement);
    hiddenCache.set(el, out);
    return out;
  };
  /** The rectangle still seen after every overflow-clipping ancestor, or null when nothing of it is. */
  const seen = (r: DOMRect, from: Element): Frag | null => {
    let [l, t, rt, b] = [r.left, r.top, r.right, r.bottom];
    for (let el: Element | null = from; el && el !== document.documentElement; el = el.parentElement) {
      const s = getComputedStyle(el);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const c = el.getBoundingClientRect();
      [l, t, rt, b] = [Math.max(l, c.left), Math.max(t, c.top), Math.min(rt, c.right), Math.min(b, c.bottom)];
    }
    if (rt - l < 1 || b - t < 1 || (rt - l) * (b - t) < 4 || rt <= pageBox.left || b <= pageBox.top) return null;
    return { text: '', x: r.left, y: r.top, right: r.right, h: r.height };
  };
  /** Text drawn in a fully transparent colour. */
  const clear = (s: CSSStyleDeclaration): boolean => /^(transparent|rgba\(.*,\s*0\))$/.test(s.color);
  const transform = (text: string, s: CSSStyleDeclaration): string => {
    if (s.textTransform === 'uppercase') return text.toUpperCase();
    if (s.textTransform === 'lowercase') return text.toLowerCase();
    if (s.textTransform === 'capitalize') return text.replace(/(^|\s)(\p{L})/gu, (_, a: string, c: string) => a + c.toUpperCase());
    return text;
  };
  const pseudo = (el: Element, which: '::before' | '::after', near: Frag | null): void => {
    const s = getComputedStyle(el, which);
    if (s.display === 'none' || s.content === 'none' || s.content === 'normal' || parseFloat(s.opacity) === 0 || s.visibility !== 'visible' || clear(s)) return;
    const parts = s.content.match(/"(?:[^"\\]|\\.)*"|attr\([^)]*\)/g) ?? [];
    const unquote = (p: string): string => {
      try { return JSON.parse(p) as string; } catch { return p.slice(1, -1); }
    };
    const text = parts.map((p) => (p.startsWith('attr(') ? el.getAttribute(p.slice(5, -1).trim()) ?? '' : unquote(p))).join('');
    const box = near ?? seen(el.getBoundingClientRect(), el);
    // Placed just before (or after) the element's first (or last) fragment: drawn there unless positioned elsewhere.
    if (text.trim() && box) frags.push({ ...box, text: transform(text, s), x: which === '::before' ? box.x - 0.01 : box.right + 0.01 });
  };
  // Unseen text that still takes room (opacity 0, aria-hidden, clip-path) is a ghost: no text, but the gap it leaves is no space.
  const walk = (el: Element, ghost = false): void => {
    if (['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT'].includes(el.tagName)) return;
    ghost ||= hidden(el);
    const start = frags.length;
    const style = getComputedStyle(el);
    for (const n of Array.from((el.shadowRoot ?? el).childNodes)) {
      if (n instanceof Element) walk(n, ghost);
      else if (n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim()) {
        const range = document.createRange();
        range.selectNodeContents(n);
        const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
        if (!rects.length) continue;
        const box = ghost || clear(style) ? null : seen(rects[0]!, el);
        if (!box) {
          frags.push({ text: '', x: rects[0]!.left, y: rects[0]!.top, right: rects.at(-1)!.right, h: rects[0]!.height });
          continue;
        }
        let text = (n.textContent ?? '').replace(/\s+/g, ' ').trim();
        if (style.direction === 'rtl' && /override/.test(style.unicodeBidi)) text = [...text].toReversed().join('');
        frags.push({ ...box, right: rects.at(-1)!.right, text: transform(text, style) });
      }
    }
    if (ghost) return;
    const own = frags.slice(start).filter((f) => f.text).toSorted((a, b) => a.x - b.x);
    pseudo(el, '::before', own[0] ?? null);
    pseudo(el, '::after', own.at(-1) ?? null);
  };
  walk(root);
  const rtl = getComputedStyle(root).direction === 'rtl';
  // Lines: fragments whose vertical middles are within half a line of each other.
  const lines: Frag[][] = [];
  for (const f of frags.toSorted((a, b) => a.y - b.y)) {
    const line = lines.find((l) => Math.abs(l[0]!.y + l[0]!.h / 2 - (f.y + f.h / 2)) < Math.max(l[0]!.h, f.h) / 2);
    if (line) line.push(f);
    else lines.push([f]);
  }
  return lines.filter((l) => l.some((f) => f.text)).map((l) => {
    const row = l.toSorted((a, b) => (rtl ? b.x - a.x : a.x - b.x));
    // A gap wider than a thin space between two fragments reads as a space.
    return row.map((f, i) => (i > 0 && (rtl ? row[i - 1]!.x - f.right : f.x - row[i - 1]!.right) > f.h * 0.12 ? ` ${f.text}` : f.text)).join('').trim();
  }).join('\n');
}
