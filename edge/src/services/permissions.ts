import type { Role } from '@trawl/db';
import { ApiError } from '../lib/errors.ts';
import type { ActorContext } from './context.ts';

/** The one permission matrix: which roles may do what. Every service verb checks it on its first line. */
export const PERMISSIONS = {
  'jobs:read': ['owner', 'admin', 'editor', 'viewer'],
  'jobs:write': ['owner', 'admin', 'editor'],
  'runs:read': ['owner', 'admin', 'editor', 'viewer'],
  'runs:write': ['owner', 'admin', 'editor'],
  'results:read': ['owner', 'admin', 'editor', 'viewer'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission, scopes: readonly string[]): boolean {
  const roleAllows = (PERMISSIONS[permission] as readonly Role[]).includes(role);
  const scopeAllows = scopes.includes('*') || scopes.includes(permission);
  return roleAllows && scopeAllows;
}

export function authorize(ctx: ActorContext, permission: Permission): void {
  if (!can(ctx.actor.role, permission, ctx.actor.scopes)) {
    throw new ApiError('FORBIDDEN', `This key (role ${ctx.actor.role}) may not ${permission.replace(':', ' ')}`, { permission });
  }
}
