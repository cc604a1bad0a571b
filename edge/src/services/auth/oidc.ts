import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { and, eq, lt } from 'drizzle-orm';
import { oidcStates } from '@trawl/db';
import { randomString, sha256Hex } from '@trawl/schemas';
import { z } from 'zod';
import { configOf } from '../../env.ts';
import { ApiError } from '../../lib/errors.ts';
import type { ServiceContext } from '../context.ts';

const Discovery = z.object({
  issuer: z.string(), authorization_endpoint: z.url(), token_endpoint: z.url(), jwks_uri: z.url(), userinfo_endpoint: z.url().optional(),
});
type Discovery = z.infer<typeof Discovery>;

// Per-isolate caches of public provider metadata and keys (not clients of our own storage).
const discoveries = new Map<string, Discovery>();
const keySets = new Map<string, JWTVerifyGetKey>();

export function oidcConfig(ctx: ServiceContext) {
  const c = configOf(ctx.env);
  if (!c.oidcIssuer || !c.oidcClientId) throw new ApiError('NOT_FOUND', 'Sign-in is not configured on this deployment (OIDC_ISSUER, OIDC_CLIENT_ID)');
  return { issuer: c.oidcIssuer, clientId: c.oidcClientId, clientSecret: c.oidcClientSecret, redirectUri: `${ctx.baseUrl}/auth/callback` };
}

async function discover(issuer: string): Promise<Discovery> {
  const hit = discoveries.get(issuer);
  if (hit) return hit;
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new ApiError('INTERNAL', `The identity provider's discovery document answered ${res.status}`);
  const doc = Discovery.parse(await res.json());
  if (doc.issuer !== issuer) throw new ApiError('INTERNAL', 'The identity provider reports another issuer than configured');
  discoveries.set(issuer, doc);
  return doc;
}

const base64url = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Only same-site relative paths: never an open redirect. Without one, a person lands in the web app. */
export function safeReturnTo(value: string | undefined | null): string {
  return value && /^\/(?![/\\])[^\s]*$/.test(value) ? value : '/app/';
}

/** Authorization code flow with PKCE: the verifier and nonce stay server-side, keyed by the state. */
export async function startLogin(ctx: ServiceContext, returnTo: string, inviteToken: string | null): Promise<string> {
  const cfg = oidcConfig(ctx);
  const doc = await discover(cfg.issuer);
  const state = randomString(32);
  const verifier = randomString(64);
  const nonce = randomString(32);
  const now = Date.now();
  await ctx.db.delete(oidcStates).where(lt(oidcStates.expiresAt, now));
  await ctx.db.insert(oidcStates).values({
    state, codeVerifier: verifier, nonce, returnTo: safeReturnTo(returnTo), expiresAt: now + 10 * 60_000,
    inviteTokenHash: inviteToken ? await sha256Hex(inviteToken) : null,
  });
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const url = new URL(doc.authorization_endpoint);
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: cfg.clientId, redirect_uri: cfg.redirectUri, scope: 'openid email profile',
    state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
  })) url.searchParams.set(k, v);
  return url.href;
}

export interface SignedIn {
  issuer: string; subject: string; email: string; name: string; returnTo: string; inviteTokenHash: string | null;
  /** Only an explicit `email_verified: true` counts; absent or false means the address may be anyone's. */
  emailVerified: boolean;
}

/** The callback: one-time state, code exchange with the verifier, ID token signature, issuer, audience and nonce. */
export async function finishLogin(ctx: ServiceContext, code: string, state: string): Promise<SignedIn> {
  const cfg = oidcConfig(ctx);
  const [pending] = await ctx.db.delete(oidcStates).where(and(eq(oidcStates.state, state))).returning();
  if (!pending || pending.expiresAt < Date.now()) throw new ApiError('UNAUTHORIZED', 'The sign-in expired or was already used; start again');
  const doc = await discover(cfg.issuer);
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: cfg.redirectUri, client_id: cfg.clientId, code_verifier: pending.codeVerifier });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (cfg.clientSecret) headers.authorization = `Basic ${btoa(`${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(cfg.clientSecret)}`)}`;
  const res = await fetch(doc.token_endpoint, { method: 'POST', headers, body });
  if (!res.ok) throw new ApiError('UNAUTHORIZED', `The identity provider refused the code (${res.status})`);
  const { id_token: idToken, access_token: accessToken } = z.object({ id_token: z.string(), access_token: z.string().optional() }).parse(await res.json());
  let keys = keySets.get(doc.jwks_uri);
  if (!keys) keySets.set(doc.jwks_uri, (keys = createRemoteJWKSet(new URL(doc.jwks_uri))));
  const { payload } = await jwtVerify(idToken, keys, { issuer: cfg.issuer, audience: cfg.clientId }).catch(() => {
    throw new ApiError('UNAUTHORIZED', 'The ID token did not verify');
  });
  if (payload.nonce !== pending.nonce) throw new ApiError('UNAUTHORIZED', 'The ID token nonce does not match this sign-in');
  // Providers that follow the spec strictly put e-mail and name only in userinfo; ask it when the ID token has none.
  let profile: Record<string, unknown> = payload;
  if (typeof payload.email !== 'string' && doc.userinfo_endpoint && accessToken) {
    const info = await fetch(doc.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
    const body = info.ok ? (await info.json()) as Record<string, unknown> : {};
    if (body.sub === payload.sub) profile = { ...payload, ...body };
  }
  const claims = z.object({ sub: z.string(), email: z.email(), name: z.string().optional(), email_verified: z.boolean().optional() }).safeParse(profile);
  if (!claims.success) throw new ApiError('UNAUTHORIZED', 'The identity provider did not give a subject and an e-mail address');
  // Whether an unverified address may be used is decided with the account (services/members/sign-in.ts).
  return {
    issuer: cfg.issuer, subject: claims.data.sub, email: claims.data.email.toLowerCase(), name: claims.data.name ?? claims.data.email,
    returnTo: pending.returnTo, inviteTokenHash: pending.inviteTokenHash, emailVerified: claims.data.email_verified === true,
  };
}
