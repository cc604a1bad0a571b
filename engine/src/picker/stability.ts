/**
 * Which class names are generated and so change with a rebuild or mean nothing (ADR 0043): CSS-module hashes
 * (`Card_title__x7Gq2`), CSS-in-JS (`css-1q2w3e`, `sc-bdVaJa`, `jsx-123`), tokens mixing letters and digits the way
 * hashes do, and utility classes (Tailwind-like `p-4`, `flex`, `text-lg`) that many unrelated elements share.
 */
export const UNSTABLE_CLASS = /__[\w-]{4,}$|^(?:css|sc|jsx|emotion|styled|svelte|tw)-|^[a-z]{1,3}[A-Z][a-zA-Z]{4}$|(?:^|[-_])(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{3,}$|^-?(?:[pm][trblxy]?|gap|space-[xy]|w|h|min-w|max-w|min-h|max-h|top|left|right|bottom|inset|z|order|col-span|row-span|grid-cols|grid-rows|text|font|leading|tracking|bg|border|rounded|shadow|opacity|items|justify|self|content|place|flex|grid|inline|block|hidden|underline|italic|truncate|overflow|relative|absolute|fixed|sticky|mx|my|mt|mb|ml|mr|px|py|pt|pb|pl|pr)(?:-[\w./[\]%#-]+)?$/;

export const isUnstableClass = (token: string): boolean => UNSTABLE_CLASS.test(token);

/**
 * How well a selector should survive a site's rebuild: 0 when it names a generated class, 0.5 when it depends on
 * position (nth-of-type, XPath indexes), 1 otherwise.
 */
export function stabilityOf(selector: string): number {
  const classes = [...selector.matchAll(/\.((?:\\.|[\w-])+)/g)].map((m) => m[1]!.replace(/\\/g, ''));
  const attrClasses = [...selector.matchAll(/@class\s*,\s*["']\s*([^"']+)["']/g)].flatMap((m) => m[1]!.split(/\s+/));
  if ([...classes, ...attrClasses].some(isUnstableClass)) return 0;
  if (/:nth-(?:of-type|child)\(|\[\d+\]/.test(selector)) return 0.5;
  return 1;
}
