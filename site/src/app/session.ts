/**
 * The signed-in person (GET /v1/me). Sessions rotate when a request comes past half their life, so the app asks
 * again every sixth of it (a slow answer or a busy page still leaves a few tries before it lapses): an open tab stays signed in, an abandoned one expires.
 */
import { createResource, createRoot } from 'solid-js';
import { api, call, type Me } from './api.ts';

const root = createRoot(() => {
  const [me, { refetch }] = createResource<Me>(() => call(api.GET('/v1/me')));
  return { me, refetch };
});
export const me = root.me;

let timer: ReturnType<typeof setInterval> | undefined;
export function keepSessionAlive(ttlMs: number | null): void {
  if (!ttlMs || timer) return;
  timer = setInterval(() => { void call(api.GET('/v1/me')).catch(() => undefined); }, Math.max(1000, Math.floor(ttlMs / 6)));
}

/** Whether the role in use may do `permission`; the app disables what it may not (the API refuses it anyway). */
export function can(permission: string): boolean {
  return me()?.permissions.includes(permission) ?? false;
}
