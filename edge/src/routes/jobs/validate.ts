import { createRoute, z } from '@hono/zod-openapi';
import { ErrorIssue, JobSpec } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { validateSpec } from '../../services/jobs/validate.ts';
import { errorResponses, readJsonBody, security } from '../openapi-common.ts';

const Validation = z.object({ ok: z.literal(true), spec: JobSpec, warnings: z.array(ErrorIssue) });

const validate = createRoute({
  method: 'post', path: '/v1/jobs/validate', tags: ['Jobs'], security, 'x-trawl-permission': 'jobs:read',
  summary: 'Validate a job spec without saving it',
  description: 'Send `{ "spec": … }`. 200: the spec with its defaults filled in, plus warnings. 400 INVALID_SPEC: `details.issues` lists every problem with its path (for example `spec.fields.price.process.1.op`), exactly as creating the job would.',
  request: { body: { content: { 'application/json': { schema: z.object({ spec: JobSpec }) } }, required: true } },
  responses: { 200: { description: 'The spec is valid', content: { 'application/json': { schema: Validation } } }, ...errorResponses('INVALID_SPEC') },
});

export function registerValidateRoute(app: ReturnType<typeof createApp>) {
  app.openapi(validate, async (c) => c.json(validateSpec(c.get('actor'), await readJsonBody(c)), 200));
}
