/**
 * Issue #15 §6: one path to D1. Every D1 statement goes through drizzle; raw `DB.prepare` / `DB.exec` / `DB.batch` on the
 * binding must not creep back into the edge (the Durable Objects' own `ctx.storage.sql.exec` is SQLite storage, not D1).
 */
import { describe, expect, it } from 'vitest';

// Vite's glob import (edge tests have no Node APIs in their types): every source file's text, by path.
declare global {
  interface ImportMeta { glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string> }
}
const SOURCES = import.meta.glob('../src/**/*.ts', { query: '?raw', import: 'default', eager: true });
const RAW_D1 = /\bDB\s*\.\s*(prepare|exec|batch|dump)\s*\(/;

/** `file:line` of each raw D1 call in the given text. */
function rawD1Calls(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (RAW_D1.test(line) ? [`${file}:${i + 1}`] : []));
}

describe('one path to D1', () => {
  it('finds a raw D1 call (the guard can fail)', () => {
    expect(rawD1Calls('x.ts', "ok\nawait env.DB.prepare('UPDATE runs SET x = 1').run();\nthis.env.DB.batch([])")).toEqual(['x.ts:2', 'x.ts:3']);
    expect(rawD1Calls('x.ts', "this.ctx.storage.sql.exec('SELECT 1'); drizzle(env.DB, { schema })")).toEqual([]);
  });

  it('edge/src has no raw D1 statement: everything goes through drizzle', () => {
    expect(Object.keys(SOURCES).length).toBeGreaterThan(100);
    const found = Object.entries(SOURCES).flatMap(([file, text]) => rawD1Calls(file, text));
    expect(found).toEqual([]);
  });
});
