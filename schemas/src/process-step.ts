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

/**
 * Post-processing steps applied in order to a field's raw value. A list value is processed element by element
 * (except `join`, which takes the whole list). An unknown op or bad option fails validation with its path.
 */
export const ProcessStep = z.discriminatedUnion('op', [
  /** Trims and collapses whitespace, non-breaking and thin spaces included. */
  z.object({ op: z.literal('trim') }).strict(),
  /** Parses "$1,299.00", "1.234,56 €", "₩12,900"; `decimal` forces the decimal mark when the locale is known. */
  z.object({ op: z.literal('number'), decimal: z.enum(['auto', '.', ',']).default('auto') }).strict(),
  /** Splits a price into { amount, currency } (ISO 4217 code from the symbol or code in the text). */
  z.object({ op: z.literal('currency'), decimal: z.enum(['auto', '.', ',']).default('auto') }).strict(),
  /** To ISO 8601: tries each format (yyyy-MM-dd, dd.MM.yyyy, MMM d, yyyy, HH:mm…), then relative forms ("3 days ago"). */
  z.object({ op: z.literal('date'), formats: z.array(DateFormat).max(10).default([]), dateOnly: z.boolean().default(false) }).strict(),
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
