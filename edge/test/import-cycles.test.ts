/**
 * Issue #15 §6: the bindings' type (bindings.ts) names the Durable Object classes, and the objects import the config
 * (env.ts). Only type imports may close that loop: a runtime import cycle makes module order decide what is undefined.
 */
import { describe, expect, it } from 'vitest';

declare global {
  interface ImportMeta { glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string> }
}
const SOURCES = import.meta.glob('../src/**/*.ts', { query: '?raw', import: 'default', eager: true });

/** Relative modules a file loads at runtime: `import type` / `export type` and type-only specifier lists are erased. */
function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?([^'";]*?)\s*from\s+'(\.[^']+)'/gms)) {
    const [, , typeOnly, clause = '', spec = ''] = m;
    if (typeOnly) continue;
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1];
    if (names !== undefined && names.split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '))) continue;
    out.push(spec);
  }
  for (const m of text.matchAll(/^import\s+'(\.[^']+)'/gm)) out.push(m[1]!);
  return out;
}

function resolve(from: string, spec: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const p of spec.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.') parts.push(p);
  }
  return parts.join('/');
}

/** Each runtime import cycle, as the files in it (depth-first search over the graph). */
function cycles(sources: Record<string, string>): string[][] {
  const graph = new Map(Object.entries(sources).map(([f, t]) => [f, runtimeImports(t).map((s) => resolve(f, s))]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') { found.push([...stack.slice(stack.indexOf(f)), f]); return; }
    state.set(f, 'open');
    stack.push(f);
    for (const next of graph.get(f) ?? []) visit(next);
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f);
  return found;
}

describe('import cycles in edge/src', () => {
  it('the checker sees a runtime cycle and ignores type-only imports (it can fail)', () => {
    const files = {
      'src/env.ts': "import { RunCoordinator } from './do.ts';\n",
      'src/do.ts': "import { configOf, type Env } from './env.ts';\n",
      'src/bindings.ts': "import type { RunCoordinator } from './do.ts';\n",
      'src/a.ts': "import { type X } from './b.ts';\nexport type { Y } from './b.ts';\n",
      'src/b.ts': "import { x } from './a.ts';\n",
    };
    expect(cycles(files)).toEqual([['src/env.ts', 'src/do.ts', 'src/env.ts']]);
  });

  it('bindings.ts imports only types', () => {
    expect(runtimeImports(SOURCES['../src/bindings.ts'] ?? 'missing')).toEqual([]);
    expect(SOURCES['../src/bindings.ts']).toContain("import type { RunCoordinator } from './coordinator/run-coordinator.ts';");
  });

  it('no runtime import cycle anywhere in edge/src', () => {
    expect(Object.keys(SOURCES)).toContain('../src/env.ts');
    expect(cycles(SOURCES)).toEqual([]);
  });
});
