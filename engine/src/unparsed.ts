/**
 * Values a `number`, `currency` or `date` step could not read, gathered per field, step and reason with a count and
 * the first raw text, and worded as warnings the same way in previews and runs.
 */
import type { UnparsedValues } from '@trawl/schemas';

export type StepProblem = Pick<UnparsedValues, 'step' | 'reason'> & { raw: string };

/** At most this many distinct field/step/reason rows per task (a spec has at most 200 fields). */
const MAX_ROWS = 200;

export class UnparsedLog {
  private readonly rows = new Map<string, UnparsedValues>();

  add(field: string, p: StepProblem): void {
    const key = `${field}\u0000${p.step}\u0000${p.reason}`;
    const row = this.rows.get(key);
    if (row) row.count++;
    else if (this.rows.size < MAX_ROWS) this.rows.set(key, { field, step: p.step, reason: p.reason, count: 1, example: p.raw.trim().slice(0, 120) });
  }

  list(): UnparsedValues[] {
    return [...this.rows.values()];
  }
}

/** Two passes' rows as one (pagination, panels): counts add up, the first example stays. */
export function mergeUnparsed(a: readonly UnparsedValues[], b: readonly UnparsedValues[]): UnparsedValues[] {
  const out = new Map<string, UnparsedValues>();
  for (const r of [...a, ...b]) {
    const key = `${r.field}\u0000${r.step}\u0000${r.reason}`;
    const seen = out.get(key);
    out.set(key, seen ? { ...seen, count: seen.count + r.count } : { ...r });
  }
  return [...out.values()].slice(0, MAX_ROWS);
}

const WHY: Record<UnparsedValues['reason'], string> = {
  ambiguous: 'reads two ways without a locale',
  scale: 'has a scale word',
  unreadable: 'could not be read',
  noZone: 'a time without a zone',
  noMatch: 'the pattern matched nothing',
};

/** What to change in the spec, per step and reason. */
function fixOf(step: UnparsedValues['step'], reason: UnparsedValues['reason']): string {
  if (reason === 'noZone') return 'set "timeZone" on the job (or the step) to the zone the site writes times in';
  if (step === 'regex') return 'check the pattern against the example, or add a "default" step if no match is expected';
  if (step === 'absoluteUrl') return 'check the selector and attribute: the value is not a URL';
  if (step === 'json') return 'check the selector: the text is not JSON';
  if (step === 'compute') return 'check the expression and the fields it uses (a null field gives null)';
  if (step === 'duration') return 'cut the text to the duration with a regex step first';
  if (step === 'date') return reason === 'ambiguous' ? 'set "locale" or "formats" on the step' : reason === 'scale' ? 'set "formats" on the step' : 'set "locale" or add a "formats" entry';
  if (reason === 'ambiguous') return 'set "locale" (or "decimal") on the step';
  return reason === 'scale' ? 'set "units": true to read scale words' : 'check the selector, or cut the text with a regex step first';
}

/** "price: 3 values left null by number (reads two ways without a locale), e.g. "1.234"; set "locale" …". */
export function unparsedWarning(u: UnparsedValues): string {
  const values = u.count === 1 ? '1 value' : `${u.count} values`;
  if (u.reason === 'noZone') return `${u.field}: ${values} had ${WHY.noZone} and were read as UTC, e.g. ${JSON.stringify(u.example)}; ${fixOf(u.step, u.reason)}`;
  return `${u.field}: ${values} left null by ${u.step} (${WHY[u.reason]}), e.g. ${JSON.stringify(u.example)}; ${fixOf(u.step, u.reason)}`;
}
