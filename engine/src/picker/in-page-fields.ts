import type { PickerHelpers } from './in-page-css.ts';
import type { FieldCandidate, PickKind } from './types.ts';

export interface FieldFound { name: string; value: string | null; candidates: FieldCandidate[] }

/**
 * A picked field's selector candidates and proposed name, in the page (ADR 0043). Candidates are relative to the
 * item: CSS without generated classes, an XPath, the role when it is unique in the item, the label next to the value
 * (`{label}`, dt/dd, th/td, "Label:"), and `itemprop`. The name comes from itemprop, aria-label, the label (Korean
 * labels through a small dictionary), a meaningful class (also the readable part of a CSS-module class), a column
 * header, the value's shape (prices, dates, links) or the tag.
 */
export function fieldInPage(picked: Element, item: Element, kind: PickKind, h: PickerHelpers): FieldFound {
  const link = kind === 'detail' ? (picked.closest('a[href]') ?? item.querySelector('a[href]')) : null;
  const el = link ?? picked;
  const attr = link ? 'href' : el.tagName === 'IMG' ? 'src' : null;
  const source = attr ? { source: 'attr' as const, attr } : { source: 'text' as const };
  const value = attr ? el.getAttribute(attr) : h.textOf(el) || null;
  const candidates: FieldCandidate[] = [];
  const add = (kind: FieldCandidate['kind'], field: { selector?: string; label?: string }): void => {
    if (!candidates.some((c) => c.field.selector === field.selector && c.field.label === field.label)) candidates.push({ kind, field: { ...field, ...source }, sample: value });
  };
  const prop = el.getAttribute('itemprop');
  if (prop) add('attr', { selector: `[itemprop=${JSON.stringify(prop)}]` });
  if (el === item) add('css', {});
  else {
    add('css', { selector: h.relativeCss(el, item, h.unstable) });
    const role = el.getAttribute('role') ?? (el.tagName === 'A' && el.hasAttribute('href') ? 'link' : /^H[1-6]$/.test(el.tagName) ? 'heading'
      : el.tagName === 'BUTTON' ? 'button' : el.tagName === 'IMG' ? 'img' : null);
    if (role) {
      const same = Array.from(item.querySelectorAll('*')).filter((x) => (x.getAttribute('role') ?? (x.tagName === 'A' && x.hasAttribute('href') ? 'link'
        : /^H[1-6]$/.test(x.tagName) ? 'heading' : x.tagName === 'BUTTON' ? 'button' : x.tagName === 'IMG' ? 'img' : null)) === role);
      if (same.length === 1) add('role', { selector: `role=${role}` });
    }
    add('xpath', { selector: h.relativeXpath(el, item) });
  }
  const label = labelOf(el);
  if (label && !attr) add('label', { label });
  return { name: nameOf(), value, candidates };

  function labelOf(e: Element): string | null {
    const clean = (s: string): string => s.replace(/\s*:\s*$/, '').trim();
    const prev = e.previousElementSibling;
    if (e.tagName === 'DD' && prev?.tagName === 'DT') return clean(h.textOf(prev)) || null;
    if (e.tagName === 'TD' && prev?.tagName === 'TH') return clean(h.textOf(prev)) || null;
    if (prev && ['LABEL', 'DT', 'TH', 'STRONG', 'B', 'SPAN'].includes(prev.tagName) && /:\s*$/.test(h.textOf(prev))) return clean(h.textOf(prev)) || null;
    const by = e.getAttribute('aria-labelledby');
    return by ? clean(by.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ')) || null : null;
  }

  function nameOf(): string {
    const KO: Record<string, string> = {
      가격: 'price', 판매가: 'price', 정가: 'list_price', 제목: 'title', 상품명: 'name', 이름: 'name', 브랜드: 'brand', 제조사: 'maker',
      평점: 'rating', 별점: 'rating', 리뷰: 'reviews', 날짜: 'date', 작성일: 'date', 주소: 'address', 전화: 'phone', 카테고리: 'category',
      재고: 'stock', 설명: 'description', 저자: 'author', 회사: 'company', 위치: 'location', 급여: 'salary', 링크: 'url', 이미지: 'image',
    };
    const slug = (s: string): string => {
      const k = KO[s.trim()];
      if (k) return k;
      const out = s.toLowerCase().replace(/([a-z])([A-Z])/g, '$1_$2').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
      return /^[a-z_]/.test(out) ? out : '';
    };
    const tries: Array<string | null | undefined> = [el.getAttribute('itemprop'), el.getAttribute('aria-label'), labelOf(el)];
    if (kind === 'detail') tries.unshift('url');
    for (const c of Array.from(el.classList)) {
      const module = /^[A-Za-z0-9]+_([A-Za-z]+)__/.exec(c);
      if (module) tries.push(module[1]);
      else if (!h.unstable.test(c) && /^(?:[a-z]+[-_])?(name|title|price|brand|date|author|rating|image|url|link|sku|description|category|location|company|salary)$/.test(c)) tries.push(c.replace(/^.*[-_]/, ''));
    }
    const cell = el.closest('td');
    const header = cell ? cell.closest('table')?.querySelectorAll('th')[(cell as HTMLTableCellElement).cellIndex] : null;
    if (header) tries.push(h.textOf(header));
    const v = value ?? '';
    if (/^[$€£¥₩]\s?[\d.,]+$|^[\d.,]+\s?(?:원|USD|EUR|KRW)$/.test(v)) tries.push('price');
    if (/^\d{4}[-./]\d{1,2}[-./]\d{1,2}/.test(v)) tries.push('date');
    if (/^https?:\/\//.test(v) || attr === 'href') tries.push('url');
    tries.push(/^H[1-6]$/.test(el.tagName) ? 'title' : el.tagName === 'IMG' ? 'image' : el.tagName === 'A' ? 'link' : 'field');
    for (const t of tries) {
      const s = t ? slug(t) : '';
      if (s) return s;
    }
    return 'field';
  }
}
