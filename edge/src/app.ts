import { OpenAPIHono } from '@hono/zod-openapi';
import { issuesOf } from '@trawl/schemas';
import type { Env } from './env.ts';
import type { Logger } from './lib/log.ts';
import type { ActorContext, ServiceContext } from './services/context.ts';
import { errorResponse } from './lib/errors.ts';

export interface AppVariables {
  requestId: string;
  log: Logger;
  services: ServiceContext;
  actor: ActorContext;
}
export type AppEnv = { Bindings: Env; Variables: AppVariables };

/**
 * An OpenAPIHono whose validation failures become the standard 400: INVALID_SPEC for job bodies,
 * INVALID_REQUEST for everything else, listing each path and problem.
 */
export function createApp() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const code = result.target === 'json' ? 'INVALID_SPEC' : 'INVALID_REQUEST';
      return errorResponse(code, `The request ${result.target} is not valid`, c.get('requestId') ?? 'unknown', { issues: issuesOf(result.error) });
    },
  });
}
