import type { PickerHelpers } from './in-page-css.ts';
import type { ItemGuess } from './types.ts';

export interface ItemsFound { item: Element; kept: Element[]; guess: ItemGuess }

/**
 * Generalises a picked element to the repeating item it sits in (ADR 0043), in the page. Peers of an ancestor are
 * the elements with the same tag path from the body (siblings and cousins) and a similar inner structure (Jaccard
 * of their descendants' tag paths ≥ 0.5). The item is the ancestor with the most such peers among those holding at
 * least two pieces of text (a field's own element has more peers only by being one of several per item); ties go
 * to the outer one. Peers that are hidden (templates), empty (skeleton rows) or differently built (ads) are left
 * out; the item selector is built from what the kept peers share, and look-alikes it still matches are excluded.
 */
export function itemsInPage(el: Element, h: PickerHelpers): ItemsFound | null {
  const tagPath = (e: Element): string => {
    const tags: string[] = [];
    for (let x: Element | null = e; x && x !== document.body; x = x.parentElement) tags.unshift(x.tagName);
    return tags.join('>');
  };
  const shapeOf = (e: Element): Set<string> => {
    const out = new Set<string>();
    const walk = (x: Element, path: string, depth: number): void => {
      for (const c of Array.from(x.children)) {
        const p = `${path}>${c.tagName}`;
        out.add(p);
        if (depth < 4) walk(c, p, depth + 1);
      }
    };
    walk(e, '', 0);
    return out;
  };
  const similar = (a: Set<string>, b: Set<string>): number => {
    if (a.size === 0 && b.size === 0) return 1;
    let both = 0;
    for (const x of a) if (b.has(x)) both++;
    return both / (a.size + b.size - both);
  };
  const texts = (e: Element): number => Array.from(e.querySelectorAll('*')).filter((x) => x.children.length === 0 && h.textOf(x) !== '').length
    + (e.children.length === 0 && h.textOf(e) !== '' ? 1 : 0);

  let best: { item: Element; peers: Element[]; others: Element[] } | null = null;
  for (let a: Element | null = el; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
    const path = tagPath(a);
    const shape = shapeOf(a);
    const same = Array.from(document.querySelectorAll(a.tagName)).filter((x) => tagPath(x) === path);
    const peers = same.filter((x) => similar(shapeOf(x), shape) >= 0.5);
    if (peers.length < 2 || texts(a) < 2) continue;
    if (!best || peers.length >= best.peers.length) best = { item: a, peers, others: same.filter((x) => !peers.includes(x)) };
  }
  if (!best) return null;
  const excluded: ItemGuess['excluded'] = [];
  const kept: Element[] = [];
  const dropped: Element[] = [];
  for (const p of best.peers) {
    const reason = !h.shown(p) ? 'hidden' : h.textOf(p) === '' ? 'empty' : null;
    if (!reason) kept.push(p);
    else {
      excluded.push({ reason, text: h.textOf(p).slice(0, 80) });
      dropped.push(p);
    }
  }
  for (const o of best.others) {
    excluded.push({ reason: 'different', text: h.textOf(o).slice(0, 80) });
    dropped.push(o);
  }
  const itemSelector = selectorFor(kept, best.item);
  const matched = new Set(Array.from(document.querySelectorAll(itemSelector)));
  // The engine leaves hidden matches out by itself; look-alikes on show need an exclusion.
  const showing = dropped.filter((d) => matched.has(d) && h.shown(d));
  const parts = showing.map((d) => {
    const own = h.stableClasses(d, h.unstable).find((c) => !kept.some((k) => k.classList.contains(c)));
    if (own) return `.${h.esc(own)}`;
    const attr = Array.from(d.attributes).map((x) => x.name).find((n) => n !== 'class' && n !== 'style' && !kept.some((k) => k.hasAttribute(n)));
    return attr ? `[${attr}]` : null;
  });
  const itemExclude = parts.every((p) => p !== null) && parts.length > 0 ? [...new Set(parts as string[])].sort().join(', ') : null;
  return { item: best.item, kept, guess: { itemSelector, itemExclude, count: kept.length, excluded } };

  /** The shortest stable selector matching every kept item: the item's own part, then with its ancestors' parts. */
  function selectorFor(items: Element[], sample: Element): string {
    const covers = (sel: string): boolean => {
      try {
        const all = new Set(Array.from(document.querySelectorAll(sel)));
        return items.every((i) => all.has(i));
      } catch {
        return false;
      }
    };
    const count = (sel: string): number => document.querySelectorAll(sel).length;
    let sel = h.cssPart(sample, h.unstable);
    if (!covers(sel)) sel = sample.tagName.toLowerCase();
    // Narrow with ancestors while that still covers every item and matches fewer elements.
    for (let p = sample.parentElement; p && p !== document.body; p = p.parentElement) {
      const next = `${h.cssPart(p, h.unstable)} ${sel}`;
      if (covers(next) && count(next) < count(sel)) sel = next;
      if (count(sel) <= items.length + dropped.length) break;
    }
    return sel;
  }
}
