import { RE2JS } from 're2js';

/**
 * User-supplied regular expressions (the `regex` and `replace` steps) run on RE2JS, a linear-time engine: no
 * pattern can backtrack exponentially on the fleet (ADR 0022). Users write JavaScript syntax; this module
 * translates the few JavaScript forms RE2 spells differently and refuses, with a hint, what RE2 cannot run.
 * Validation and execution both go through `compilePattern`, so what passes validation is what runs.
 */
export const MAX_PATTERN_LENGTH = 1000;
/** RE2 program size cap: matching costs input length times program size in the worst case. */
export const MAX_PATTERN_PROGRAM = 2000;

export type CompiledPattern = { ok: true; re: RE2JS } | { ok: false; problem: string };

// JavaScript's \s (WhiteSpace and LineTerminator); RE2's \s is ASCII only and would miss the no-break spaces pages use.
const JS_SPACE_RANGES: Array<[number, number]> = [[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a],
  [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]];
const hex = (n: number): string => `\\x{${n.toString(16)}}`;
const rangesText = (rs: Array<[number, number]>): string => rs.map(([a, b]) => (a === b ? hex(a) : `${hex(a)}-${hex(b)}`)).join('');
function complement(rs: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let next = 0;
  for (const [a, b] of rs) {
    if (a > next) out.push([next, a - 1]);
    next = b + 1;
  }
  out.push([next, 0x10ffff]);
  return out;
}
const SPACE = rangesText(JS_SPACE_RANGES);
const NOT_SPACE = rangesText(complement(JS_SPACE_RANGES));

const REFUSED: Array<[RegExp, string]> = [
  [/^\(\?<[=!]/, 'lookbehind (?<=…) and (?<!…) are not supported: capture the text after it instead, e.g. "\\$(\\d+)" with group 1'],
  [/^\(\?[=!]/, 'lookahead (?=…) and (?!…) are not supported: match the following text too and keep the part you need with a group'],
  [/^\\[1-9]/, 'backreferences (\\1) are not supported: match each part separately, e.g. with two regex steps'],
  [/^\\k</, 'named backreferences (\\k<name>) are not supported: match each part separately'],
  [/^\\c/, 'control escapes (\\cX) are not supported: write the character as \\x{..}'],
];

/** JavaScript pattern text to RE2 syntax, or the problem that stops it. Escapes are two-character tokens, so one scan sees them all. */
export function toRe2Syntax(p: string): { source: string } | { problem: string } {
  let out = '';
  let inClass = false;
  for (let i = 0; i < p.length;) {
    const rest = p.slice(i, i + 4);
    const refused = inClass ? undefined : REFUSED.find(([re]) => re.test(rest));
    if (refused) return { problem: `${refused[1]} (at offset ${i})` };
    const c = p[i]!;
    if (c === '\\') {
      const n = p[i + 1] ?? '';
      const u = /^u(?:([0-9a-fA-F]{4})|\{([0-9a-fA-F]{1,6})\})/.exec(p.slice(i + 1, i + 10));
      if (u) {
        out += `\\x{${u[1] ?? u[2]}}`;
        i += 1 + u[0].length;
        continue;
      }
      if (n === 's' || n === 'S') out += inClass ? (n === 's' ? SPACE : NOT_SPACE) : `[${n === 's' ? SPACE : NOT_SPACE}]`;
      else out += c + n;
      i += 2;
      continue;
    }
    if (!inClass && c === '[') {
      // JavaScript's [] matches nothing and [^] anything; RE2 reads "]" first in a class as a literal.
      if (p.startsWith('[]', i)) { out += `[^\\x00-\\x{10ffff}]`; i += 2; continue; }
      if (p.startsWith('[^]', i)) { out += `[\\x00-\\x{10ffff}]`; i += 3; continue; }
      inClass = true;
      out += p[i + 1] === '^' ? '[^' : '[';
      i += p[i + 1] === '^' ? 2 : 1;
      continue;
    }
    if (inClass && c === ']') inClass = false;
    out += c;
    i++;
  }
  return { source: out };
}

/** RE2's own messages ("invalid escape sequence: `\e`") with a word on the usual JavaScript habit behind them. */
function explain(message: string): string {
  const m = message.replace(/^error parsing regexp: /, '');
  if (m.startsWith('invalid escape sequence')) return `${m}: RE2 syntax has no such escape; drop the backslash for a letter, write \\x{..} for a code point`;
  if (m.startsWith('invalid repeat count')) return `${m}: repeat counts go up to 1000, nested repeats multiply`;
  if (m.startsWith('invalid named capture')) return `${m}: name groups as (?<name>…) with letters, digits and _`;
  if (m.startsWith('invalid or unsupported Perl syntax')) return `${m}: not supported by the RE2 syntax patterns use`;
  return m;
}

const cache = new Map<string, CompiledPattern>();

/** Compiles a user pattern (cached: the same few patterns run on every item), or says why it cannot run. */
export function compilePattern(pattern: string): CompiledPattern {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const out = compileUncached(pattern);
  if (cache.size >= 64) cache.clear();
  cache.set(pattern, out);
  return out;
}

function compileUncached(pattern: string): CompiledPattern {
  if (pattern.length > MAX_PATTERN_LENGTH) return { ok: false, problem: `a pattern has at most ${MAX_PATTERN_LENGTH} characters` };
  const t = toRe2Syntax(pattern);
  if ('problem' in t) return { ok: false, problem: t.problem };
  let re: RE2JS;
  try {
    re = RE2JS.compile(t.source);
  } catch (e) {
    return { ok: false, problem: explain(e instanceof Error ? e.message : String(e)) };
  }
  if (re.programSize() > MAX_PATTERN_PROGRAM) {
    return { ok: false, problem: `the pattern is too large once compiled (${re.programSize()} steps, at most ${MAX_PATTERN_PROGRAM}): lower repeat counts like {500}` };
  }
  return { ok: true, re };
}
