import { compileExpression } from './compute.ts';
import type { FieldSpec } from './field-spec.ts';

export interface RefProblem {
  path: Array<string | number>;
  message: string;
}

/**
 * Fields that refer to other fields: a `compute` expression's names and a date step's `from`. Each must name a
 * field of the same object defined before it: an item's fields are built in order, so the earlier value is there,
 * and no cycle can be written.
 */
export function computeProblems(fields: Record<string, FieldSpec>, at: Array<string | number>): RefProblem[] {
  const out: RefProblem[] = [];
  const names = Object.keys(fields);
  names.forEach((name, i) => {
    const f = fields[name]!;
    const earlier = new Set(names.slice(0, i));
    const check = (ref: string, path: Array<string | number>, what: string): void => {
      if (earlier.has(ref)) return;
      const why = ref === name ? 'refers to itself' : names.includes(ref) ? `refers to "${ref}", defined after it: move "${ref}" above "${name}"` : `"${ref}" is not a field`;
      out.push({ path: [...at, name, ...path], message: `${what} ${why}` });
    };
    if (f.compute !== undefined) {
      const c = compileExpression(f.compute);
      if (c.ok) for (const ref of c.refs) check(ref, ['compute'], 'the expression');
    }
    f.process.forEach((step, k) => {
      if (step.op === 'date' && step.from !== undefined) check(step.from, ['process', k, 'from'], 'from');
    });
    if (f.fields) out.push(...computeProblems(f.fields, [...at, name, 'fields']));
  });
  return out;
}
