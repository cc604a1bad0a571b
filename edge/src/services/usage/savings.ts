import { ARTIFACT_KINDS, type ArtifactKind } from '@trawl/schemas';
import type { SkipCounts } from './sampling.ts';

/** Stored artifacts of one kind: count, bytes as stored, bytes once decompressed. */
export interface StoredKind { count: number; bytes: number; uncompressedBytes: number }

export interface KindSavings {
  stored: { count: number; bytes: number };
  uncompressedBytes: number;
  /** Bytes compression kept out of storage: uncompressed minus stored. */
  compressionSaved: number;
  /** Estimated at the organization's mean uncompressed size of the kind; null with none stored yet (no guess). */
  skippedBySampling: { count: number; estimatedBytes: number | null };
}

export type ArtifactSavings = Record<ArtifactKind, KindSavings>;

/** Per kind, the organization's mean uncompressed size over all its stored artifacts (null: none of that kind). */
export type KindMeans = Record<ArtifactKind, number | null>;

export function meanSizes(all: Partial<Record<ArtifactKind, StoredKind>>): KindMeans {
  const mean = (s: StoredKind | undefined) => (s && s.count > 0 ? s.uncompressedBytes / s.count : null);
  return { trace: mean(all.trace), har: mean(all.har), screenshot: mean(all.screenshot) };
}

/** The savings of one scope (organization or job), from what it stored, what sampling skipped and the org's means. */
export function artifactSavings(stored: Partial<Record<ArtifactKind, StoredKind>>, skipped: SkipCounts, means: KindMeans): ArtifactSavings {
  const out = {} as ArtifactSavings;
  for (const kind of ARTIFACT_KINDS) {
    const s = stored[kind] ?? { count: 0, bytes: 0, uncompressedBytes: 0 };
    const mean = means[kind];
    const n = skipped[kind];
    out[kind] = {
      stored: { count: s.count, bytes: s.bytes },
      uncompressedBytes: s.uncompressedBytes,
      compressionSaved: Math.max(0, s.uncompressedBytes - s.bytes),
      skippedBySampling: { count: n, estimatedBytes: n === 0 ? 0 : mean === null ? null : Math.round(n * mean) },
    };
  }
  return out;
}

/**
 * The storage cost the savings avoid for a month at the operator's price per GB-month (like the report's storage
 * line); the sampling part is null when any skipped kind has no estimate.
 */
export function avoidedCost(s: ArtifactSavings, perGbMonth: number) {
  const round = (n: number) => Math.round(n * 10_000) / 10_000;
  const kinds = ARTIFACT_KINDS.map((k) => s[k]);
  const compression = kinds.reduce((n, k) => n + k.compressionSaved, 0);
  const sampling = kinds.some((k) => k.skippedBySampling.estimatedBytes === null)
    ? null : kinds.reduce((n, k) => n + (k.skippedBySampling.estimatedBytes ?? 0), 0);
  return {
    compressionSavedBytes: compression,
    samplingSavedBytes: sampling,
    compression: round((compression / 1e9) * perGbMonth),
    sampling: sampling === null ? null : round((sampling / 1e9) * perGbMonth),
  };
}
