/**
 * Fields by label (ADR 0033): every label/value pair inside a scope, in document order, for labels.ts to pick from.
 * Runs inside the page (inPageSource defines it beside the collector), so it is self-contained; the collector lends
 * its shadow-piercing query, visibility test and field reader. Labels come lowercased, whitespace collapsed, a
 * trailing colon dropped. A pair is:
 * - an innermost element with text (wrappers that add no text climb to what they wrap) and the element after it
 *   (`dt` only to `dd`, `th` only to `td`; otherwise the next sibling unless it looks like another label: same tag
 *   and class where the parent has more than two children), or the text after it up to a line break;
 * - a "Label: value" line inside one element;
 * - a text node that is only "Label:" and the element after it.
 */
export interface PairTools {
  all: (scope: Element) => Element[];
  isVisible: (el: Element) => boolean;
  read: (node: Node) => string | null;
  /** Whether text values count (an `attr` field has no attribute to read from bare text). */
  textOnly: boolean;
}

export function labelPairsInPage(scope: Element, tools: PairTools): Array<[string, string | null]> {
  const norm = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim().toLowerCase();
  const labelOf = (s: string | null): string => norm(s).replace(/\s*[:\uff1a]$/, '');
  const textOf = (n: Node): string => (n instanceof HTMLElement ? n.innerText : n.textContent ?? '');
  const isLabelLike = (a: Element, b: Element): boolean => a.tagName === b.tagName && a.className === b.className;
  const valueAfter = (at: Element): Node | string | null => {
    let text = '';
    let n = at.nextSibling;
    for (; n && !(n instanceof Element); n = n.nextSibling) text += n.textContent ?? '';
    const next = at.nextElementSibling;
    if (text.trim() === '' && next) {
      if (at.tagName === 'DT') return next.tagName === 'DD' ? next : null;
      if (at.tagName === 'TH') return next.tagName === 'TD' ? next : null;
      return at.parentElement?.children.length === 2 || !isLabelLike(at, next) ? next : null;
    }
    // Inline: "<b>Salary:</b> 50k <i>net</i><br><b>Place:</b> …" runs to a line break or the next label like this one.
    for (; n && !(n instanceof Element && (n.tagName === 'BR' || isLabelLike(at, n))); n = n.nextSibling) text += textOf(n);
    return text.trim() === '' ? null : text;
  };
  const found: Array<[Node, string, Node | string | null]> = [];
  for (const el of tools.all(scope)) {
    if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(el.tagName) || Array.from(el.children).some((c) => norm(c.textContent) !== '')) continue;
    const own = norm(el.textContent);
    if (own === '' || own.length > 200 || !tools.isVisible(el)) continue;
    // "Salary: 50k" lines inside one element; such an element is no label itself.
    const lines = textOf(el).split('\n').map((l) => /^([^:\uff1a]{1,200}?)\s*[:\uff1a]\s*(\S.*)$/.exec(l.trim())).filter((m) => m !== null);
    for (const m of lines) found.push([el, labelOf(m[1]!), m[2]!]);
    if (lines.length) continue;
    // Wrappers that add no text belong to the label: <dt><strong>Salary</strong></dt>.
    let at: Element = el;
    while (at.parentElement && at.parentElement !== scope && norm(at.parentElement.textContent) === own) at = at.parentElement;
    found.push([el, labelOf(own), valueAfter(at)]);
  }
  // "Salary: <b>50k</b>": a text node that is only a label, then the value element.
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const m = /^\s*([^:\uff1a]{1,200}?)\s*[:\uff1a]\s*$/.exec(t.textContent ?? '');
    if (m && t.nextSibling instanceof Element) found.push([t, labelOf(m[1]!), t.nextSibling]);
  }
  found.sort((a, b) => (a[0] === b[0] ? 0 : a[0].compareDocumentPosition(b[0]) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  return found.slice(0, 500).map(([, label, v]) => [label, typeof v === 'string' || v === null ? (tools.textOnly ? v : null) : tools.read(v)]);
}
