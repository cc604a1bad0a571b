/**
 * Locales for the Intl round-trip tests: a broad list of tags, kept to those this runtime's `Intl` (CLDR) supports.
 * Scripts and digit systems are mixed on purpose: Arabic, Persian, Devanagari, Bengali, Myanmar, Tibetan digits;
 * NBSP, narrow NBSP, apostrophe and Indian grouping; U+2212 minus signs; RTL marks.
 */
const CANDIDATES = [
  'af', 'am', 'ar', 'ar-EG', 'ar-SA', 'ar-MA', 'ar-DZ', 'ar-TN', 'as', 'az', 'be', 'bg', 'bn', 'bn-IN', 'bs', 'ca', 'ckb', 'cs', 'cy',
  'da', 'de', 'de-AT', 'de-CH', 'de-LI', 'dz', 'el', 'en', 'en-AU', 'en-CA', 'en-GB', 'en-IN', 'en-ZA', 'en-IE', 'en-SG', 'es', 'es-419',
  'es-AR', 'es-CO', 'es-MX', 'et', 'eu', 'fa', 'fa-AF', 'ff', 'fi', 'fil', 'fo', 'fr', 'fr-CA', 'fr-CH', 'fy', 'ga', 'gd', 'gl', 'gu',
  'ha', 'he', 'hi', 'hr', 'hu', 'hy', 'id', 'ig', 'is', 'it', 'it-CH', 'ja', 'jv', 'ka', 'kk', 'km', 'kn', 'ko', 'ks', 'ky', 'lb',
  'lo', 'lt', 'lv', 'mk', 'ml', 'mn', 'mr', 'ms', 'mt', 'my', 'nb', 'ne', 'nl', 'nl-BE', 'nn', 'or', 'pa', 'pa-Arab', 'pl', 'ps',
  'pt', 'pt-PT', 'pt-AO', 'rm', 'ro', 'ru', 'ru-UA', 'sa', 'sd', 'se', 'si', 'sk', 'sl', 'so', 'sq', 'sr', 'sr-Latn', 'sv', 'sv-FI',
  'sw', 'ta', 'te', 'tg', 'th', 'ti', 'tk', 'tr', 'tt', 'ug', 'uk', 'ur', 'ur-IN', 'uz', 'uz-Arab', 'uz-Cyrl', 'vi', 'wo', 'xh', 'yo',
  'yue', 'zh', 'zh-Hant', 'zh-HK', 'zh-TW', 'zu', 'ar-u-nu-latn', 'hi-u-nu-deva', 'th-u-nu-thai', 'ja-u-nu-fullwide',
];

export const INTL_LOCALES: string[] = Intl.NumberFormat.supportedLocalesOf(CANDIDATES);

/** mulberry32: the same values every run, so a failure names a value that fails again. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
