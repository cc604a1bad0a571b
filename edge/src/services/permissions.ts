import type { Role } from '@trawl/db';
import { ApiError } from '../lib/errors.ts';
import type { ActorContext } from './context.ts';

/**
 * The one permission matrix: which roles may do what. Every service verb checks it on its first line, and every
 * route declares the permission it needs (`x-trawl-permission` in the OpenAPI document), which the security suite
 * reads to test every route against every role.
 */
export const PERMISSIONS = {
  'jobs:read': ['owner', 'admin', 'editor', 'viewer'],
  'jobs:write': ['owner', 'admin', 'editor'],
  'runs:read': ['owner', 'admin', 'editor', 'viewer'],
  'runs:write': ['owner', 'admin', 'editor'],
  'results:read': ['owner', 'admin', 'editor', 'viewer'],
  'policy:read': ['owner', 'admin', 'editor', 'viewer'],
  'policy:write': ['owner', 'admin'],
  'keys:read': ['owner', 'admin'],
  'keys:write': ['owner', 'admin'],
  'audit:read': ['owner', 'admin'],
  'members:read': ['owner', 'admin'],
  'members:write': ['owner', 'admin'],
  // Remote browsers (ADR 0039): who may run jobs may hold a browser; everyone may see the sessions and their cost.
  'sessions:read': ['owner', 'admin', 'editor', 'viewer'],
  'sessions:write': ['owner', 'admin', 'editor'],
  // Notification endpoints (ADR 0046) are URLs and addresses outside Trawl, and their delivery logs: Admin+.
  'notifications:read': ['owner', 'admin'],
  'notifications:write': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

/** Scopes a key can carry: a permission's name grants it; `admin` grants keys, policy and audit; `*` grants all. */
export const SCOPES = ['*', 'admin', ...ALL_PERMISSIONS] as const;
export type Scope = (typeof SCOPES)[number];
const ADMIN_SCOPE: readonly Permission[] = ['keys:read', 'keys:write', 'policy:read', 'policy:write', 'audit:read', 'members:read', 'members:write',
  'notifications:read', 'notifications:write'];

export const ROLE_RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function scopeGrants(scopes: readonly string[], permission: Permission): boolean {
  return scopes.includes('*') || scopes.includes(permission) || (scopes.includes('admin') && ADMIN_SCOPE.includes(permission));
}

export function can(role: Role, permission: Permission, scopes: readonly string[]): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role) && scopeGrants(scopes, permission);
}

/** What a key's holder may do: the permissions both its role and its scopes allow. */
export function effectivePermissions(role: Role, scopes: readonly string[]): Permission[] {
  return ALL_PERMISSIONS.filter((p) => can(role, p, scopes));
}

export function authorize(ctx: ActorContext, permission: Permission): void {
  if (ctx.actor.kind !== 'secret' || !can(ctx.actor.role, permission, ctx.actor.scopes)) {
    throw new ApiError('FORBIDDEN', `This key (role ${ctx.actor.role}) may not ${permission.replace(':', ' ')}`, { permission });
  }
}
