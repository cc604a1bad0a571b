import { z } from 'zod';
import { compilePattern } from './pattern.ts';
import { ProcessStep, type ProcessStepInput } from './process-step.ts';
import { compileExpression } from './compute.ts';

export const FieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'field names are letters, digits and _, starting with a letter or _');

/**
 * What a field reads from its element: `text` is the rendered text (innerText: hidden parts and <script> left out,
 * CSS text-transform applied, DOM order), `textContent` every text node, `html`/`outerHtml` the markup, `attr` one
 * attribute, `visible` what a person sees in the order they see it (flex order, ::before/::after, right-to-left;
 * transparent, clipped, off-page and aria-hidden text left out; ADR 0033).
 */
export const FIELD_SOURCES = ['text', 'textContent', 'html', 'outerHtml', 'attr', 'visible'] as const;
export type FieldSource = (typeof FIELD_SOURCES)[number];

/** Values known without reading the page element: the page's URL, the time it was fetched, the open tab's label. */
export const FIELD_CONTEXTS = ['url', 'fetchedAt', 'panel'] as const;
export type FieldContext = (typeof FIELD_CONTEXTS)[number];

export type ConstValue = string | number | boolean | null;

/** How a `label` is compared with the page's label text (both case- and whitespace-insensitive, a trailing ":" ignored). */
export const LABEL_MATCHES = ['exact', 'contains', 'regex'] as const;
export type LabelMatch = (typeof LABEL_MATCHES)[number];

/** One output field (recursive: nested `fields` make an object, or a list of objects with `all`). */
export interface FieldSpec {
  selector?: string;
  source: FieldSource;
  attr?: string;
  all: boolean;
  required: boolean;
  process: ProcessStep[];
  fields?: Record<string, FieldSpec>;
  const?: ConstValue;
  context?: FieldContext;
  compute?: string;
  label?: string;
  labelMatch?: LabelMatch;
  ignoreForChanges?: boolean;
}
export interface FieldSpecInput {
  selector?: string;
  source?: FieldSource;
  attr?: string;
  all?: boolean;
  required?: boolean;
  process?: ProcessStepInput[];
  fields?: Record<string, FieldSpecInput>;
  const?: ConstValue;
  context?: FieldContext;
  compute?: string;
  label?: string;
  labelMatch?: LabelMatch;
  ignoreForChanges?: boolean;
}

/**
 * Selectors follow Playwright's syntax so users can paste what codegen gives them: CSS (piercing open shadow
 * roots), `xpath=…` or `//…`, `text=…` (substring, case-insensitive; quoted for exact), `role=button[name="Buy"]`,
 * and a trailing `:has-text("…")` on a CSS selector. They are resolved in the page by the engine.
 */
export const Selector = z.string().min(1).max(1000).superRefine((s, ctx) => {
  const problem = selectorProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Null when the selector's syntax is one the engine handles; CSS itself is checked by the page. */
export function selectorProblem(s: string): string | null {
  if (s.startsWith('role=') && !/^role=[a-z]+(\[name=(["']).*\2( i)?\])?$/.test(s)) return 'role selectors are role=name or role=name[name="…"]';
  if (s.startsWith('text=') && s.length <= 5) return 'text= needs a text';
  if (/:has-text\(/.test(s) && !/:has-text\((["']).*\1\)$/.test(s)) return ':has-text("…") must come last';
  return null;
}

const ComputeExpression = z.string().min(1).superRefine((e, ctx) => {
  const c = compileExpression(e);
  if (!c.ok) ctx.addIssue({ code: 'custom', message: c.problem });
});

const FieldObject = z.object({
  /** Relative to the item; omitted means the item element itself. */
  selector: Selector.optional(),
  source: z.enum(FIELD_SOURCES).default('text'),
  attr: z.string().min(1).optional(),
  /** All matches as a list instead of the first one. */
  all: z.boolean().default(false),
  /** A missing required field is reported, not silently empty: the item is dropped and counted. */
  required: z.boolean().default(false),
  process: z.array(ProcessStep).max(20).default([{ op: 'trim' }]),
  /** Nested fields, read relative to each match of `selector`: an object, or a list of objects with `all`. */
  get fields(): z.ZodOptional<z.ZodRecord<typeof FieldName, z.ZodType<FieldSpec, FieldSpecInput>>> {
    return z.record(FieldName, FieldSpec).optional();
  },
  /** A constant. */
  const: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  context: z.enum(FIELD_CONTEXTS).optional(),
  /** Left out of the change feed (ADR 0045): a value that moves on every run without the item changing. */
  ignoreForChanges: z.boolean().optional(),
  /** A CEL expression over the item's other fields ("price * qty"), checked on save (compute.ts, ADR 0038). */
  compute: ComputeExpression.optional(),
  /**
   * The value next to this label inside the item (or inside `selector`): dt/dd, th/td, label and value elements side
   * by side, or "Label: value" text. Whatever the order of the rows; no such label gives null (ADR 0033).
   */
  label: z.string().trim().min(1).max(200).optional(),
  /** `exact` (the default), `contains`, or `regex` (RE2 syntax, like the regex step). */
  labelMatch: z.enum(LABEL_MATCHES).optional(),
}).strict().superRefine((f, ctx) => {
  if (f.source === 'attr' && !f.attr) ctx.addIssue({ code: 'custom', path: ['attr'], message: 'source "attr" needs attr' });
  const kinds = [f.const !== undefined, f.context !== undefined, f.fields !== undefined, f.compute !== undefined].filter(Boolean).length;
  if (kinds > 1) ctx.addIssue({ code: 'custom', path: [], message: 'use one of const, context, compute or fields' });
  if ((f.const !== undefined || f.context !== undefined || f.compute !== undefined) && f.selector) {
    ctx.addIssue({ code: 'custom', path: ['selector'], message: 'a const, context or compute field reads no element' });
  }
  if (f.label !== undefined && (f.const !== undefined || f.context !== undefined || f.fields !== undefined || f.compute !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['label'], message: 'a label field reads the value next to its label: it cannot also be a const, context, compute or nested fields' });
  }
  if (f.labelMatch !== undefined && f.label === undefined) ctx.addIssue({ code: 'custom', path: ['labelMatch'], message: 'labelMatch needs a label, e.g. "label": "Salary"' });
  if (f.labelMatch === 'regex' && f.label !== undefined) {
    const c = compilePattern(f.label);
    if (!c.ok) ctx.addIssue({ code: 'custom', path: ['label'], message: c.problem });
  }
  if (f.fields && Object.keys(f.fields).length === 0) ctx.addIssue({ code: 'custom', path: ['fields'], message: 'define at least one nested field' });
// A named schema: the OpenAPI generator emits a $ref for the recursion instead of expanding it forever.
}).meta({ id: 'FieldSpec' });

export const FieldSpec: z.ZodType<FieldSpec, FieldSpecInput> = z.lazy(() => FieldObject);

export const FieldMap = z.record(FieldName, FieldSpec)
  .refine((f) => Object.keys(f).length > 0, 'define at least one field')
  .refine((f) => Object.keys(f).length <= 200, 'at most 200 fields');
