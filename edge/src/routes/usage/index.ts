import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { usageReport } from '../../services/usage/usage.ts';
import { errorResponses, requestHook, security } from '../openapi-common.ts';

const DAY_MS = 86_400_000;
const Figures = z.object({ runs: z.number(), pages: z.number(), browserSeconds: z.number(), bytesStored: z.number() });
const Cost = z.object({ currency: z.string(), runs: z.number(), pages: z.number(), browser: z.number(), storage: z.number(), total: z.number() });
const KindSavings = z.object({
  stored: z.object({ count: z.number(), bytes: z.number() }),
  uncompressedBytes: z.number().openapi({ description: 'Bytes once decompressed, measured on upload (gzip HAR); the stored size for files kept as is' }),
  compressionSaved: z.number().openapi({ description: 'uncompressedBytes minus stored bytes' }),
  skippedBySampling: z.object({
    count: z.number().openapi({ description: 'Artifacts of this kind that attempts ended in the window did not keep because of the job\'s sampling (on-retry, on-failure)' }),
    estimatedBytes: z.number().nullable().openapi({ description: 'An estimate: count × the organization\'s mean uncompressed size of the kind over its stored artifacts; null when it stores none yet' }),
  }),
});
const ArtifactUsage = {
  artifacts: z.object({ trace: KindSavings, har: KindSavings, screenshot: KindSavings }),
  artifactSavings: z.object({
    compressionSavedBytes: z.number(), samplingSavedBytes: z.number().nullable(),
    compression: z.number().openapi({ description: 'Storage cost compression avoids for a month at PRICE_PER_GB_MONTH' }),
    sampling: z.number().nullable().openapi({ description: 'Estimated storage cost sampling avoids for a month; null when an estimate is missing' }),
  }),
};
const Usage = z.object({
  from: z.number(), to: z.number(), orgId: z.string(),
  prices: z.object({ perRun: z.number(), perPage: z.number(), perBrowserHour: z.number(), perGbMonth: z.number(), currency: z.string() }),
  usage: Figures, browserSessionSeconds: z.number(), cost: Cost, bytesPartial: z.boolean(), ...ArtifactUsage,
  jobs: z.array(z.object({ jobId: z.string(), usage: Figures, cost: Cost, ...ArtifactUsage })),
}).openapi('Usage');

const usage = createRoute({
  method: 'get', path: '/v1/usage', tags: ['Usage'], security, 'x-trawl-permission': 'runs:read',
  summary: 'Usage and estimated cost of the organization and per job: runs, pages, browser-seconds, bytes stored',
  description: 'Over `[from, to)` in epoch ms (default: the last 30 days); `jobId` narrows to one job. Browser-seconds are task attempts ended in the window plus remote browser sessions (`browserSessionSeconds`, organization only). Cost uses the operator\'s unit prices (PRICE_PER_RUN, PRICE_PER_PAGE, PRICE_PER_BROWSER_HOUR, PRICE_PER_GB_MONTH, PRICE_CURRENCY; ADR 0047). `artifacts` shows per kind what compression saved (measured) and what sampling skipped (count, and bytes estimated from the organization\'s mean size; ADR 0055).',
  request: { query: z.object({ from: z.coerce.number().int().min(0).optional(), to: z.coerce.number().int().min(0).optional(), jobId: z.string().max(64).optional() }) },
  responses: { 200: { description: 'The report', content: { 'application/json': { schema: Usage } } }, ...errorResponses('INVALID_REQUEST') },
});

export function registerUsageRoute(app: ReturnType<typeof createApp>) {
  app.openapi(usage, async (c) => {
    const q = c.req.valid('query');
    const to = q.to ?? Date.now();
    return c.json(await usageReport(c.get('actor'), { from: q.from ?? to - 30 * DAY_MS, to, jobId: q.jobId }), 200);
  }, requestHook);
}
