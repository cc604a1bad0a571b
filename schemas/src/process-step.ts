import { z } from 'zod';
import { compilePattern } from './pattern.ts';

/** A user regular expression: JavaScript syntax that RE2 can run in linear time (pattern.ts, ADR 0022). */
const Pattern = z.string().min(1).superRefine((p, ctx) => {
  const c = compilePattern(p);
  if (!c.ok) ctx.addIssue({ code: 'custom', message: c.problem });
});

/** Date format tokens the `date` step understands (see engine/src/dates.ts). */
const DATE_TOKEN = /yyyy|yy|MMMM|MMM|MM|M|dd|d|HH|H|hh|h|mm|ss|a/g;
/** The group each token fills: a format fills each at most once (the engine compiles one named group per token). */
const TOKEN_GROUP: Record<string, string> = { yyyy: 'year', yy: 'year', MMMM: 'month', MMM: 'month', MM: 'month', M: 'month', dd: 'day', d: 'day',
  HH: 'hour', H: 'hour', hh: 'hour', h: 'hour', mm: 'minute', ss: 'second', a: 'am/pm' };
const DateFormat = z.string().min(2).max(64).regex(/(yyyy|yy|M{1,4}|d{1,2})/, 'a date format needs yyyy/yy, M/MM/MMM or d/dd tokens')
  .superRefine((f, ctx) => {
    const groups = (f.match(DATE_TOKEN) ?? []).map((t) => TOKEN_GROUP[t]);
    const twice = groups.find((g, i) => groups.indexOf(g) !== i);
    if (twice) ctx.addIssue({ code: 'custom', message: `the ${twice} appears twice in the format; give each part once (dd.MM.yyyy)` });
  });

function isSupportedLocale(tag: string): boolean {
  try {
    return Intl.NumberFormat.supportedLocalesOf([tag]).length > 0;
  } catch {
    return false;
  }
}

/** A BCP 47 tag whose data `Intl` has (an unknown one would silently fall back to the default locale's marks). */
const Locale = z.string().min(2).max(64).refine(isSupportedLocale, 'not a locale Intl knows (a BCP 47 tag such as "de-CH", "ko-KR", "en-IN")');

/** An IANA time zone Intl knows ("Europe/Berlin", "Asia/Seoul", "UTC"). */
export const TimeZone = z.string().min(1).max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'not a time zone Intl knows (an IANA name such as "Europe/Berlin", "Asia/Seoul" or "UTC")');

/** Scale words the `units` option may list (see engine/src/number-units.ts); `true` takes them all. */
const UnitWord = z.string().min(1).max(16);

const NumberOptions = {
  /** Forces the decimal mark ("," or "."); `auto` reads it from `locale`, or from the text when that settles it. */
  decimal: z.enum(['auto', '.', ',']).default('auto'),
  locale: Locale.optional(),
  /** Reads scale words: "4,2 Mio.", "1.5bn", "3억 4,500만", "2.5 lakh". Off: a value with one is null and reported. */
  units: z.union([z.boolean(), z.array(UnitWord).min(1).max(40)]).optional(),
  /** "(1,377)" as -1377; otherwise parentheses are punctuation. */
  accounting: z.boolean().optional(),
  /** "12.5%" as 12.5 (`number`) or 0.125 (`fraction`). */
  percent: z.enum(['number', 'fraction']).optional(),
};

/**
 * Post-processing steps applied in order to a field's raw value. A list value is processed element by element
 * (except `join`, which takes the whole list). An unknown op or bad option fails validation with its path.
 */
export const ProcessStep = z.discriminatedUnion('op', [
  /** Trims and collapses whitespace, non-breaking and thin spaces included. */
  z.object({ op: z.literal('trim') }).strict(),
  /**
   * Parses "$1,299.00", "1.234,56 €", "₩12,900", "−12.5%". "1.234" alone is ambiguous: null and a warning, unless
   * `locale` or `decimal` says how the page writes numbers (see README, post-processing).
   */
  z.object({ op: z.literal('number'), ...NumberOptions }).strict(),
  /** Splits a price into { amount, currency } (ISO 4217 code from the symbol or code in the text); same options. */
  z.object({ op: z.literal('currency'), ...NumberOptions }).strict(),
  /**
   * To ISO 8601: tries each format (yyyy-MM-dd, dd.MM.yyyy, MMM d, yyyy, HH:mm…), then the locale's own long and
   * short forms (month names from Intl), then relative forms ("3 days ago"). "03/04/2026" without either: null.
   */
  z.object({
    op: z.literal('date'), formats: z.array(DateFormat).max(10).default([]), dateOnly: z.boolean().default(false), locale: Locale.optional(),
    /** The zone of a time written without an offset; default: the job's `timeZone` (else UTC, with a warning). */
    timeZone: TimeZone.optional(),
    /** Relative dates ("3 days ago") count from this earlier field's date (the date the page shows) instead of the fetch time. */
    from: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a field name').optional(),
  }).strict(),
  /** "1 h 50 min", "1시간 50분", "PT1H50M", "1:50" to a number of minutes (default) or seconds. */
  z.object({ op: z.literal('duration'), unit: z.enum(['minutes', 'seconds']).default('minutes') }).strict(),
  z.object({ op: z.literal('absoluteUrl') }).strict(),
  z.object({ op: z.literal('lowercase') }).strict(),
  z.object({ op: z.literal('uppercase') }).strict(),
  /** The first match's group (0 for the whole match); a group the pattern does not have fails validation. */
  z.object({ op: z.literal('regex'), pattern: Pattern, group: z.number().int().min(0).default(1) }).strict().superRefine((s, ctx) => {
    const c = compilePattern(s.pattern);
    if (c.ok && s.group > c.re.groupCount()) {
      ctx.addIssue({ code: 'custom', path: ['group'], message: `group ${s.group} but the pattern has ${c.re.groupCount()} capturing group(s); use 0 for the whole match` });
    }
  }),
  /** Every match replaced; `with` may use $1, $<name>, $& and $$ as in JavaScript. */
  z.object({ op: z.literal('replace'), pattern: Pattern, with: z.string() }).strict(),
  z.object({ op: z.literal('default'), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).strict(),
  /** A string to a list (empty parts dropped, each part trimmed). */
  z.object({ op: z.literal('split'), separator: z.string().min(1) }).strict(),
  /** A list to a string. */
  z.object({ op: z.literal('join'), separator: z.string().default(', ') }).strict(),
  /** Parses JSON text (for example a data-* attribute); unreadable JSON becomes null. */
  z.object({ op: z.literal('json') }).strict(),
]);
export type ProcessStep = z.infer<typeof ProcessStep>;
export type ProcessStepInput = z.input<typeof ProcessStep>;

/**
 * A field whose `number`, `currency` or `date` step turned non-empty text into null, with why and one raw value:
 * the run and the preview warn about it instead of storing a guess ("1.234" is 1.234 or 1234).
 */
export const UnparsedValues = z.object({
  /** The field, dotted for nested ones ("variants.price"). */
  field: z.string().max(300),
  step: z.enum(['number', 'currency', 'date', 'duration', 'compute', 'regex', 'absoluteUrl', 'json']),
  /**
   * `ambiguous`: it reads two ways without a locale; `scale`: a scale word with `units` off; `unreadable`: no value;
   * `noMatch`: a regex step's pattern matched nothing in non-empty text (the field became null).
   * `noZone` is not a null: a date step read a time without offset and no time zone was given, so it is labelled UTC.
   */
  reason: z.enum(['ambiguous', 'unreadable', 'scale', 'noZone', 'noMatch']),
  count: z.number().int().min(1),
  /** The first raw value seen (cut to 120 characters). */
  example: z.string().max(120),
});
export type UnparsedValues = z.infer<typeof UnparsedValues>;
