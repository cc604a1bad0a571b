/**
 * Relative dates in a locale's own words ("vor 3 Tagen", "il y a 3 jours", "3일 전", "3日前", "3 dagen geleden",
 * "gestern", "어제"), read with the forms `Intl.RelativeTimeFormat` writes (CLDR), like ADR 0026 reads month
 * names: no table of languages here. English forms stay in dates.ts.
 */

export type RelUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
const UNITS: RelUnit[] = ['second', 'minute', 'hour', 'day', 'week', 'month', 'year'];
/** Values that reach every CLDR plural category (one, two, few, many, other) in the languages Intl knows. */
const SAMPLES = [1, 2, 3, 5, 11, 21, 100, 1.5];

interface Form { before: string; after: string; unit: RelUnit; sign: 1 | -1 }
interface RelativeData { forms: Form[]; words: Map<string, { unit: RelUnit; n: number }> }

const cache = new Map<string, RelativeData | null>();
const norm = (s: string): string => s.toLowerCase().replace(/[\s\u00a0\u202f]+/g, ' ').trim();

function dataOf(locale: string): RelativeData | null {
  if (cache.has(locale)) return cache.get(locale)!;
  let out: RelativeData | null = null;
  try {
    const forms = new Map<string, Form>();
    const words = new Map<string, { unit: RelUnit; n: number }>();
    for (const style of ['long', 'short', 'narrow'] as const) {
      const always = new Intl.RelativeTimeFormat(locale, { style, numeric: 'always', numberingSystem: 'latn' } as Intl.RelativeTimeFormatOptions);
      const auto = new Intl.RelativeTimeFormat(locale, { style, numeric: 'auto', numberingSystem: 'latn' } as Intl.RelativeTimeFormatOptions);
      for (const unit of UNITS) {
        for (const sign of [-1, 1] as const) {
          for (const n of SAMPLES) {
            const parts = always.formatToParts(sign * n, unit);
            const at = parts.findIndex((p) => p.type === 'integer');
            if (at < 0) continue;
            const before = norm(parts.slice(0, at).map((p) => p.value).join(''));
            const after = norm(parts.slice(at).filter((p) => p.type === 'literal').map((p) => p.value).join(''));
            forms.set(`${before}|${after}|${unit}|${sign}`, { before, after, unit, sign });
          }
        }
        // "yesterday", "gestern", "어제": words without a number.
        for (let n = -2; n <= 2; n++) {
          const w = norm(auto.format(n, unit));
          if (!/\d/.test(w)) words.set(w, { unit, n });
        }
      }
    }
    out = { forms: [...forms.values()], words };
  } catch {
    out = null;
  }
  cache.set(locale, out);
  return out;
}

/** The unit and signed count the text says, or null. */
export function readRelative(text: string, locale: string): { unit: RelUnit; n: number } | null {
  const data = dataOf(locale);
  if (!data) return null;
  const t = norm(text);
  const word = data.words.get(t);
  if (word) return word;
  const m = /(\d+(?:[.,]\d+)?)/.exec(t);
  if (!m) return null;
  const before = norm(t.slice(0, m.index));
  const after = norm(t.slice(m.index + m[0].length));
  const n = Number(m[1]!.replace(',', '.'));
  const form = data.forms.find((f) => f.before === before && f.after === after);
  return form && Number.isInteger(n) ? { unit: form.unit, n: form.sign * n } : null;
}
