/**
 * Computed fields (issue #12 §6, ADR 0038): a CEL expression over the item's other fields ("price * qty",
 * "minutes / 60.0", "total - shipping"). CEL is not Turing complete (no loops, no recursion); @marcbachmann/cel-js
 * is a tree-walking interpreter with no eval and no Function, so the same code validates at the edge (workerd
 * forbids both) and runs in the fleet. The cost is bounded here: expression length and AST size, depth, and the
 * length of each input value.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';

export const MAX_EXPRESSION_LENGTH = 500;
/** Strings longer than this are cut before they reach an expression; lists past this many elements too. */
export const MAX_COMPUTE_INPUT = 10_000;
const LIMITS = { maxAstNodes: 200, maxDepth: 24, maxListElements: 100, maxMapEntries: 100, maxCallArguments: 8 };
/** Macros whose first argument names a variable bound inside them, not a field. */
const BINDERS = new Set(['map', 'filter', 'all', 'exists', 'exists_one']);
/** Nested list macros multiply: two over 100-element lists are 10,000 steps, three would be a million. */
const MAX_NESTED_MACROS = 2;
/** `matches` runs a JavaScript regular expression (backtracking): user patterns go through the linear regex step instead. */
const REFUSED_CALLS = new Set(['matches']);

function environment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, limits: LIMITS });
  // Page numbers are doubles and literals like 2 are ints: CEL refuses to mix them; people write "price * 2".
  const ops: Array<[string, (a: number, b: number) => number]> = [['+', (a, b) => a + b], ['-', (a, b) => a - b], ['*', (a, b) => a * b], ['/', (a, b) => a / b]];
  for (const [op, f] of ops) {
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => f(a, Number(b)));
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => f(Number(a), b));
  }
  return env;
}

let shared: Environment | null = null;
const env = (): Environment => (shared ??= environment());

interface AstNode { op: string; args: unknown }
const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && 'op' in v && 'args' in v;

interface Found { refs: Set<string>; refused: Set<string>; nesting: number }

/** Free identifiers (field names), refused calls and the deepest nesting of list macros of an expression's AST. */
function walk(node: unknown, bound: ReadonlySet<string>, out: Found, depth = 0): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, bound, out, depth));
  if (!isNode(node)) return;
  if (node.op === 'id' && typeof node.args === 'string') {
    if (!bound.has(node.args)) out.refs.add(node.args);
    return;
  }
  if ((node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args) && typeof node.args[0] === 'string') {
    const [name, ...rest] = node.args as [string, ...unknown[]];
    if (REFUSED_CALLS.has(name)) out.refused.add(name);
    const args = node.op === 'rcall' ? rest[1] : rest[0];
    const first = Array.isArray(args) ? args[0] : undefined;
    if (BINDERS.has(name) && isNode(first) && first.op === 'id' && typeof first.args === 'string') {
      out.nesting = Math.max(out.nesting, depth + 1);
      if (node.op === 'rcall') walk(rest[0], bound, out, depth);
      walk(Array.isArray(args) ? args.slice(1) : args, new Set([...bound, first.args]), out, depth + 1);
      return;
    }
    return walk(rest, bound, out, depth);
  }
  walk(node.args, bound, out, depth);
}

/**
 * Integer literals become doubles: numbers read from pages are doubles, and CEL's strict typing would otherwise
 * refuse "2 * price + 1" (int * dyn is typed int, then meets a double). `int(x)` still gives an int where wanted.
 */
function asDoubles(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(asDoubles);
  if (!isNode(node)) return;
  if (node.op === 'value' && typeof node.args === 'bigint') (node as { args: unknown }).args = Number(node.args);
  // A list index stays an int ("photos[0]").
  else if ((node.op === '[]' || node.op === '[?]') && Array.isArray(node.args)) node.args.forEach((a, i) => (i === 0 || !isNode(a) || a.op !== 'value') && asDoubles(a));
  else asDoubles(node.args);
}

/** `loops`: the expression walks lists (map, filter…), so its cost grows with the values: it runs under a CPU budget. */
export type CompiledExpression = { ok: true; run: ParseResult; refs: string[]; loops: boolean } | { ok: false; problem: string };

const cache = new Map<string, CompiledExpression>();

/** Parses an expression once (cached); what passes validation is exactly what runs. */
export function compileExpression(expr: string): CompiledExpression {
  const hit = cache.get(expr);
  if (hit) return hit;
  const out = compileUncached(expr);
  if (cache.size >= 256) cache.clear();
  cache.set(expr, out);
  return out;
}

function compileUncached(expr: string): CompiledExpression {
  if (expr.length > MAX_EXPRESSION_LENGTH) return { ok: false, problem: `an expression has at most ${MAX_EXPRESSION_LENGTH} characters` };
  let run: ParseResult;
  try {
    run = env().parse(expr);
  } catch (e) {
    return { ok: false, problem: `not a valid expression: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
  }
  const found: Found = { refs: new Set(), refused: new Set(), nesting: 0 };
  walk(run.ast, new Set(), found);
  asDoubles(run.ast);
  if (found.refused.size) return { ok: false, problem: `${[...found.refused].join(', ')}() is not allowed in expressions; use a regex step on the field instead` };
  if (found.nesting > MAX_NESTED_MACROS) return { ok: false, problem: `at most ${MAX_NESTED_MACROS} list macros (map, filter, all, exists) inside one another` };
  return { ok: true, run, refs: [...found.refs], loops: found.nesting > 0 };
}

export type ComputeInput = string | number | boolean | null | ComputeInput[] | { [key: string]: ComputeInput };

/** Inputs with their length capped, so no value makes an expression's work unbounded. */
function capped(v: ComputeInput): ComputeInput {
  if (typeof v === 'string') return v.slice(0, MAX_COMPUTE_INPUT);
  if (Array.isArray(v)) return v.slice(0, LIMITS.maxListElements).map(capped);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).slice(0, LIMITS.maxMapEntries).map(([k, x]) => [k, capped(x)]));
  return v;
}

/** CEL's ints are bigints and its maps may be Maps: back to JSON values. */
function plain(v: unknown): ComputeInput {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean' || v === null || v === undefined) return v ?? null;
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return null;
}

export type ComputeResult = { ok: true; value: ComputeInput } | { ok: false; problem: string };

/** Evaluates a compiled expression over the item's values; an error (a null operand, a type mismatch) is a result. */
export function evaluateExpression(c: Extract<CompiledExpression, { ok: true }>, item: Record<string, ComputeInput>): ComputeResult {
  const vars: Record<string, ComputeInput> = {};
  for (const name of c.refs) vars[name] = capped(item[name] ?? null);
  try {
    return { ok: true, value: plain(c.run(vars)) };
  } catch (e) {
    return { ok: false, problem: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
}
