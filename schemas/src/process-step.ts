import { z } from 'zod';

function isValidRegex(p: string): boolean {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}

const Pattern = z.string().min(1).refine(isValidRegex, 'not a valid regular expression');

/** Date format tokens the `date` step understands (see engine/src/dates.ts). */
const DateFormat = z.string().min(2).max(64).regex(/(yyyy|yy|M{1,4}|d{1,2})/, 'a date format needs yyyy/yy, M/MM/MMM or d/dd tokens');

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
  z.object({ op: z.literal('regex'), pattern: Pattern, group: z.number().int().min(0).default(1) }).strict(),
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
