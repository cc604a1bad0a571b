/**
 * The job being edited is one plain JSON value; the form and the JSON view both read and write it. Updates are
 * immutable so the JSON view and validation see every change; lists render with <Index>, so inputs keep focus.
 */
export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };
export type Path = Array<string | number>;

export function getIn(value: Json | undefined, path: Path): Json | undefined {
  let cur: Json | undefined = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, Json>)[key];
  }
  return cur;
}

/** A copy of `root` with `value` at `path`; `undefined` removes the key (so the API's default applies). */
export function setIn(root: Json | undefined, path: Path, value: Json | undefined): Json {
  if (path.length === 0) return value ?? null;
  const [key, ...rest] = path;
  if (typeof key === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    if (value === undefined && rest.length === 0) list.splice(key, 1);
    else list[key] = setIn(list[key], rest, value);
    return list;
  }
  const obj: JsonObject = root && typeof root === 'object' && !Array.isArray(root) ? { ...root } : {};
  if (value === undefined && rest.length === 0) delete obj[key!];
  else obj[key!] = setIn(obj[key!], rest, value);
  return obj;
}

/** Renames a key of an object keeping its position (field names are keys of `fields`). */
export function renameKey(obj: JsonObject, from: string, to: string): JsonObject {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k === from ? to : k, v]));
}

/** The id of the input that edits `path` (the validation summary links to it). */
export const inputId = (path: Path) => `f-${path.join('-')}`;
/** The API reports problems as `spec.fields.price.process.1.op`. */
export const issueKey = (path: Path) => path.join('.');

export interface Issue { path: string; message: string }

export function emptySpec(): JsonObject {
  return { startUrls: [], itemSelector: '', fields: { title: {} } };
}
