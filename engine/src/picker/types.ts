/** The visual picker's shapes (ADR 0043), shared by the in-page code, the node and the app. */
export type PickKind = 'field' | 'next' | 'more' | 'detail' | 'tab';

/** Where a field pick generalises: to the repeating item (a listing), or the whole page is the one item (a detail page). */
export type PickScope = 'items' | 'page';

export interface PickArg { x: number; y: number; kind: PickKind; unstable: string; scope?: PickScope }

/** One way to read a field, as the job spec writes it (a selector, or a label next to the value). */
export interface CandidateField { selector?: string; label?: string; source: 'text' | 'attr'; attr?: string }
export interface FieldCandidate { kind: 'css' | 'xpath' | 'role' | 'label' | 'attr'; field: CandidateField; sample: string | null }

export interface ItemGuess {
  itemSelector: string;
  /** Matches of the item selector that are look-alikes shown on the page (ads, skeletons); null when there are none. */
  itemExclude: string | null;
  count: number;
  /** What was left out and why (for the person to see). */
  excluded: Array<{ reason: 'hidden' | 'empty' | 'different'; text: string }>;
}

export interface PickResult {
  kind: PickKind;
  /** The repeating item the pick generalised to (fields and detail links); null for page controls. */
  item: ItemGuess | null;
  name: string;
  value: string | null;
  candidates: FieldCandidate[];
  /** Outlines to show: the picked element and the items. */
  rect: Rect | null;
  items: Rect[];
}
export interface Rect { x: number; y: number; width: number; height: number }

/** A candidate's result on one sample page: per item, how many elements it matched and the first value. */
export interface CandidateRun { perItem: Array<{ matches: number; value: string | null }> }

export interface ScoredCandidate extends FieldCandidate { fill: number; unique: number; stable: number; score: number }
