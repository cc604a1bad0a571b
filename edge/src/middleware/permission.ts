import type { MiddlewareHandler } from 'hono';
import type { AppEnv, createApp } from '../app.ts';
import { ApiError } from '../lib/errors.ts';
import { ALL_PERMISSIONS, authorize, type Permission } from '../services/permissions.ts';

interface Rule { method: string; pattern: RegExp; literal: boolean; permission: string }

/**
 * The permission each route declares (`x-trawl-permission`), checked in one place before the route's own
 * validation runs, so a caller without the right gets 403 whatever it sends. Services check again on their first
 * line. A /v1 route that declares nothing is refused (fail closed); `status:read` is decided by its service.
 */
export function requireDeclaredPermission(app: ReturnType<typeof createApp>): MiddlewareHandler<AppEnv> {
  let rules: Rule[] | null = null;
  const load = (): Rule[] => {
    const out: Rule[] = [];
    for (const def of app.openAPIRegistry.definitions) {
      if (def.type !== 'route') continue;
      const route = def.route as { method: string; path: string; 'x-trawl-permission'?: string };
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
      out.push({ method: route.method.toUpperCase(), pattern: new RegExp(`^${source}$`), literal: !route.path.includes('{'), permission: route['x-trawl-permission'] ?? '' });
    }
    return out.sort((a, b) => Number(b.literal) - Number(a.literal));
  };
  return async (c, next) => {
    rules ??= load();
    const path = new URL(c.req.url).pathname;
    const rule = rules.find((r) => r.method === c.req.method && r.pattern.test(path));
    if (rule) {
      if (!rule.permission) throw new ApiError('FORBIDDEN', `${c.req.method} ${path} declares no permission`);
      if (rule.permission !== 'status:read') {
        if (!(ALL_PERMISSIONS as string[]).includes(rule.permission)) throw new ApiError('FORBIDDEN', `Unknown permission ${rule.permission}`);
        authorize(c.get('actor'), rule.permission as Permission);
      }
    }
    await next();
  };
}
