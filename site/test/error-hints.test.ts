import { describe, expect, it } from 'vitest';
import { ERRORS, ERROR_CODES } from '@trawl/schemas';
import { ERROR_HINTS_KO } from '../src/app/i18n/errors-ko.ts';

const HANGUL = /[\uAC00-\uD7A3]/;

describe('error hints in both languages', () => {
  it('every error code has an English hint in the table and a Korean one in the app catalogue', () => {
    for (const code of ERROR_CODES) {
      expect(ERRORS[code].hint.length, code).toBeGreaterThan(10);
      const ko = ERROR_HINTS_KO[code];
      expect(ko, code).toMatch(HANGUL);
      expect(ko, code).not.toBe(ERRORS[code].hint);
    }
    // No stale entry for a code that left the table.
    expect(Object.keys(ERROR_HINTS_KO).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('the technical names a hint tells the person to change survive the translation', () => {
    for (const code of ERROR_CODES) {
      const names = ERRORS[code].hint.match(/\b(?:limits|retry|details)\.\w+|\bitemSelector\b|Retry-After|failOnWarnings|[A-Z][A-Z_]{4,}\b/g) ?? [];
      for (const name of names) expect(ERROR_HINTS_KO[code], `${code}: ${name}`).toContain(name);
    }
  });
});
