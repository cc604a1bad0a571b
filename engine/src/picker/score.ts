import { stabilityOf } from './stability.ts';
import type { CandidateRun, FieldCandidate, ScoredCandidate } from './types.ts';

/** Weights of the robustness score (ADR 0043): a selector that finds the value everywhere matters most. */
const WEIGHTS = { fill: 0.5, unique: 0.3, stable: 0.2 } as const;
const KIND_ORDER: FieldCandidate['kind'][] = ['attr', 'label', 'css', 'role', 'xpath'];

const round = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * Scores each candidate over the sample pages' items: fill (items where it found a non-empty value), uniqueness
 * (items where it matched exactly one element, among those where it matched any) and stability (no generated class,
 * no position). Best first; ties go to the kind people read most easily. Pure: `runs[i]` are candidate i's pages.
 */
export function scoreCandidates(candidates: FieldCandidate[], runs: CandidateRun[][]): ScoredCandidate[] {
  const scored = candidates.map((c, i): ScoredCandidate => {
    const items = (runs[i] ?? []).flatMap((r) => r.perItem);
    const filled = items.filter((x) => x.value !== null && x.value.trim() !== '').length;
    const matched = items.filter((x) => x.matches > 0);
    const fill = items.length ? filled / items.length : 0;
    const unique = matched.length ? matched.filter((x) => x.matches === 1).length / matched.length : 0;
    const stable = c.field.selector === undefined ? 1 : stabilityOf(c.field.selector);
    return { ...c, fill: round(fill), unique: round(unique), stable, score: round(WEIGHTS.fill * fill + WEIGHTS.unique * unique + WEIGHTS.stable * stable) };
  });
  return scored.sort((a, b) => b.score - a.score || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}
