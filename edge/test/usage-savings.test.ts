import { describe, expect, it } from 'vitest';
import { skippedBySampling } from '../src/services/usage/sampling.ts';
import { artifactSavings, avoidedCost, meanSizes } from '../src/services/usage/savings.ts';

describe('artifacts skipped by sampling (ADR 0055)', () => {
  const defaults = { trace: 'on-retry', har: 'off', screenshots: 'on-failure' } as const;

  it('a first attempt that succeeds skips the on-retry trace and the on-failure screenshot', () => {
    expect(skippedBySampling(defaults, 1, 3, 'succeeded')).toEqual({ trace: 1, har: 0, screenshot: 1 });
  });

  it('a failed first attempt still skips the trace (on-retry records from the second attempt), not the screenshot', () => {
    expect(skippedBySampling(defaults, 1, 3, 'failed')).toEqual({ trace: 1, har: 0, screenshot: 0 });
  });

  it('a failed retry keeps everything; a job without retries traces its only attempt', () => {
    expect(skippedBySampling(defaults, 2, 3, 'failed')).toEqual({ trace: 0, har: 0, screenshot: 0 });
    expect(skippedBySampling(defaults, 1, 1, 'failed')).toEqual({ trace: 0, har: 0, screenshot: 0 });
    expect(skippedBySampling(defaults, 1, 1, 'succeeded')).toEqual({ trace: 1, har: 0, screenshot: 1 });
  });

  it('off and always are choices, not sampling', () => {
    expect(skippedBySampling({ trace: 'always', har: 'always', screenshots: 'final' }, 1, 3, 'succeeded')).toEqual({ trace: 0, har: 0, screenshot: 0 });
    expect(skippedBySampling({ trace: 'off', har: 'off', screenshots: 'off' }, 1, 3, 'succeeded')).toEqual({ trace: 0, har: 0, screenshot: 0 });
    expect(skippedBySampling({ trace: 'on-failure', har: 'on-failure', screenshots: 'each-step' }, 1, 3, 'succeeded')).toEqual({ trace: 1, har: 1, screenshot: 0 });
  });
});

describe('artifact savings arithmetic (ADR 0055)', () => {
  // The organization stores 4 HAR files: 1000 bytes gzip of 6000 in all; 2 screenshots of 300 and 500 bytes; no trace.
  const all = { har: { count: 4, bytes: 1000, uncompressedBytes: 6000 }, screenshot: { count: 2, bytes: 800, uncompressedBytes: 800 } };
  const means = meanSizes(all);

  it('means are per kind over what the organization stores; none stored is null, not a guess', () => {
    expect(means).toEqual({ trace: null, har: 1500, screenshot: 400 });
  });

  it('compression saved is uncompressed minus stored; skipped bytes are count × mean', () => {
    const s = artifactSavings({ har: { count: 2, bytes: 600, uncompressedBytes: 3500 }, screenshot: { count: 1, bytes: 300, uncompressedBytes: 300 } }, { trace: 0, har: 3, screenshot: 5 }, means);
    expect(s.har).toEqual({ stored: { count: 2, bytes: 600 }, uncompressedBytes: 3500, compressionSaved: 2900, skippedBySampling: { count: 3, estimatedBytes: 4500 } });
    expect(s.screenshot).toEqual({ stored: { count: 1, bytes: 300 }, uncompressedBytes: 300, compressionSaved: 0, skippedBySampling: { count: 5, estimatedBytes: 2000 } });
    expect(s.trace).toEqual({ stored: { count: 0, bytes: 0 }, uncompressedBytes: 0, compressionSaved: 0, skippedBySampling: { count: 0, estimatedBytes: 0 } });
    // 2900 bytes and 6500 bytes at 20 per GB-month: 0.000058 and 0.00013, rounded to 1/10 000.
    expect(avoidedCost(s, 20)).toEqual({ compressionSavedBytes: 2900, samplingSavedBytes: 6500, compression: 0.0001, sampling: 0.0001 });
    expect(avoidedCost(s, 20_000)).toEqual({ compressionSavedBytes: 2900, samplingSavedBytes: 6500, compression: 0.058, sampling: 0.13 });
  });

  it('skipped traces with no trace stored yet have no estimate, and the sampling cost says so', () => {
    const s = artifactSavings({}, { trace: 2, har: 0, screenshot: 1 }, means);
    expect(s.trace.skippedBySampling).toEqual({ count: 2, estimatedBytes: null });
    expect(avoidedCost(s, 20_000)).toEqual({ compressionSavedBytes: 0, samplingSavedBytes: null, compression: 0, sampling: null });
  });
});
