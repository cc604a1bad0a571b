import { createRoute } from '@hono/zod-openapi';
import { PreviewRequest, PreviewResult } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { previewSpec } from '../../services/preview/preview.ts';
import { errorResponses, readJsonBody, security } from '../openapi-common.ts';

const preview = createRoute({
  method: 'post', path: '/v1/preview', tags: ['Jobs'], security, 'x-trawl-permission': 'jobs:write',
  summary: 'Run a spec on one page and see what it extracts',
  description: 'Runs the listing part of `spec` (or its detail part with `part: "detail"`) on `url` (default: the first start URL) on a fleet node, exactly as a run would, and answers with the items (first 100), per-field fill rates, warnings such as "price empty in 18 of 20 items", and a PNG screenshot (base64), and `steps`: the in-page clicks and scrolls and where loading stopped. Nothing is stored, except with `jobId` (one of the organization\'s jobs): a listing preview that succeeds becomes that job\'s preview baseline, which its runs are compared with (FEWER_ITEMS, FILL_RATE_DROP).',
  request: { body: { content: { 'application/json': { schema: PreviewRequest } }, required: true } },
  responses: { 200: { description: 'What the page gave', content: { 'application/json': { schema: PreviewResult } } }, ...errorResponses('INVALID_SPEC', 'FORBIDDEN', 'NOT_FOUND', 'BLOCKED_BY_POLICY', 'UNREACHABLE_TARGET', 'FLEET_UNAVAILABLE') },
});

export function registerPreviewRoute(app: ReturnType<typeof createApp>) {
  app.openapi(preview, async (c) => c.json(await previewSpec(c.get('actor'), await readJsonBody(c)), 200));
}
