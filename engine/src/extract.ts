import { compileExpression, evaluateExpression, type ComputeInput, type FieldSpec, type ItemData, type TaskSpec, type UnparsedValues } from '@trawl/schemas';
import type { CollectArgs, CollectField, CollectOutput, RawValue } from './collect.ts';
import { isEmptyValue, processField, type ProcessContext, type Value } from './process.ts';
import { pickByLabel } from './labels.ts';
import { UnparsedLog } from './unparsed.ts';

export interface Extraction {
  items: ItemData[];
  /** Items dropped because a required field was empty, with the fields that were. */
  incomplete: Array<{ index: number; missing: string[] }>;
  matched: number;
  nextUrl: string | null;
  /** Fields whose number, currency or date step left non-empty text null: reported, never guessed. */
  unparsed: UnparsedValues[];
}

/** What extraction knows besides the page: when it was fetched and which tab or panel was open. */
export interface ExtractContext {
  fetchedAt: number;
  panel?: string | null;
  /** The job's zone for dates written without an offset. */
  timeZone?: string;
}

function collectFieldsOf(fields: Record<string, FieldSpec>): Record<string, CollectField> {
  const out: Record<string, CollectField> = {};
  for (const [name, f] of Object.entries(fields)) {
    // Constants, context values and computed fields read nothing from the page.
    if (f.const !== undefined || f.context !== undefined || f.compute !== undefined) continue;
    out[name] = { selector: f.selector, source: f.source, attr: f.attr, all: f.all, ...(f.fields ? { fields: collectFieldsOf(f.fields) } : {}),
      ...(f.label !== undefined ? { labels: true } : {}) };
  }
  return out;
}

/** The arguments the in-page collector needs for a task spec. */
export function collectArgsOf(spec: Pick<TaskSpec, 'itemSelector' | 'itemExclude' | 'fields' | 'pagination'>): CollectArgs {
  const nextSelector = spec.pagination?.type === 'nextLink' ? spec.pagination.selector : undefined;
  return { itemSelector: spec.itemSelector, itemExclude: spec.itemExclude, fields: collectFieldsOf(spec.fields), nextSelector };
}

interface Scope {
  baseUrl: string;
  pageUrl: string;
  ctx: ExtractContext;
  unparsed: UnparsedLog;
}

/** Builds one object from raw values; `missing` receives the names of empty required fields. */
function buildObject(raw: Record<string, RawValue>, fields: Record<string, FieldSpec>, scope: Scope, missing: string[], path = ''): ItemData {
  const out: ItemData = {};
  for (const [name, field] of Object.entries(fields)) {
    const v = valueOf(raw[name] ?? null, field, scope, `${path}${name}`, out);
    if (field.required && isEmptyValue(v)) missing.push(name);
    out[name] = v;
  }
  return out;
}

function valueOf(raw: RawValue, field: FieldSpec, scope: Scope, path: string, item: ItemData): Value {
  const pctx: ProcessContext = { baseUrl: scope.baseUrl, now: scope.ctx.fetchedAt, onUnparsed: (p) => scope.unparsed.add(path, p),
    timeZone: scope.ctx.timeZone, item };
  if (field.compute !== undefined) return computed(field, item, pctx);
  if (field.const !== undefined) return processField(field.const, field, pctx);
  if (field.context !== undefined) {
    const v = field.context === 'url' ? scope.pageUrl : field.context === 'fetchedAt' ? new Date(scope.ctx.fetchedAt).toISOString() : (scope.ctx.panel ?? null);
    return processField(v, field, pctx);
  }
  if (field.fields) {
    const nested = field.fields;
    // A nested object missing one of its own required fields is dropped (a variant without a price is not a variant).
    const one = (r: RawValue): ItemData | null => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) return null;
      const missing: string[] = [];
      const obj = buildObject(r, nested, scope, missing, `${path}.`);
      return missing.length ? null : obj;
    };
    const v: Value = Array.isArray(raw) ? raw.map(one).filter((o): o is ItemData => o !== null) as Value : (one(raw) as Value);
    return processField(v, { process: field.process.filter((s) => s.op !== 'trim') }, pctx);
  }
  return processField((field.label !== undefined ? pickByLabel(raw, field) : raw) as Value, field, pctx);
}

/**
 * A computed field: its expression over the fields before it (validation makes sure they are), then its steps.
 * An expression that fails on values it has (not on a null field, which gives null quietly) is reported.
 */
function computed(field: FieldSpec, item: ItemData, pctx: ProcessContext): Value {
  const c = compileExpression(field.compute ?? '');
  if (!c.ok) return null;
  const r = evaluateExpression(c, item as Record<string, ComputeInput>);
  if (!r.ok) {
    if (c.refs.every((ref) => item[ref] !== null && item[ref] !== undefined)) pctx.onUnparsed?.({ step: 'compute', reason: 'unreadable', raw: `${field.compute}: ${r.problem}` });
    return null;
  }
  return processField(r.value, { process: field.process.filter((s) => s.op !== 'trim') }, pctx);
}

/** Turns the collector's raw strings into items: post-processing, nested fields, required-field checks. */
export function buildItems(raw: CollectOutput, spec: Pick<TaskSpec, 'fields'>, ctx: ExtractContext = { fetchedAt: Date.now() }): Extraction {
  const items: ItemData[] = [];
  const incomplete: Extraction['incomplete'] = [];
  const scope: Scope = { baseUrl: raw.baseUrl, pageUrl: raw.pageUrl, ctx, unparsed: new UnparsedLog() };
  raw.items.forEach((rawItem, index) => {
    const missing: string[] = [];
    const item = buildObject(rawItem, spec.fields, scope, missing);
    if (missing.length) incomplete.push({ index, missing });
    else items.push(item);
  });
  return { items, incomplete, matched: raw.matched, nextUrl: raw.nextHref, unparsed: scope.unparsed.list() };
}

/** Share of items in which each field is non-empty (0..1), for previews and warnings. */
export function fillRates(items: readonly ItemData[], fields: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(fields)) {
    const filled = items.filter((it) => !isEmptyValue(it[name] as Value | undefined)).length;
    out[name] = items.length ? Math.round((filled / items.length) * 1000) / 1000 : 0;
  }
  return out;
}
