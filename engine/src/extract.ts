import type { ItemData, TaskSpec } from '@trawl/schemas';
import type { CollectArgs, CollectOutput } from './collect.ts';
import { processField } from './process.ts';

export interface Extraction {
  items: ItemData[];
  /** Items dropped because a required field was empty, with the fields that were. */
  incomplete: Array<{ index: number; missing: string[] }>;
  matched: number;
  nextUrl: string | null;
}

/** The arguments the in-page collector needs for a task spec. */
export function collectArgsOf(spec: TaskSpec): CollectArgs {
  const fields: CollectArgs['fields'] = {};
  for (const [name, f] of Object.entries(spec.fields)) {
    fields[name] = { selector: f.selector, source: f.source, attr: f.attr, all: f.all };
  }
  return { itemSelector: spec.itemSelector, fields, nextSelector: spec.pagination?.selector };
}

/** Turns the collector's raw strings into items: post-processing, required-field checks. */
export function buildItems(raw: CollectOutput, spec: TaskSpec): Extraction {
  const items: ItemData[] = [];
  const incomplete: Extraction['incomplete'] = [];
  raw.items.forEach((rawItem, index) => {
    const item: ItemData = {};
    const missing: string[] = [];
    for (const [name, field] of Object.entries(spec.fields)) {
      const v = processField(rawItem[name] ?? null, field, { baseUrl: raw.baseUrl });
      if (field.required && (v === null || v === '' || (Array.isArray(v) && v.length === 0))) missing.push(name);
      item[name] = v;
    }
    if (missing.length) incomplete.push({ index, missing });
    else items.push(item);
  });
  return { items, incomplete, matched: raw.matched, nextUrl: raw.nextHref };
}
