/**
 * A real OpenID Connect provider (the `oidc-provider` package) for `npm run dev` and the tests. It shows its own
 * development login form (any login name, any password), issues signed ID tokens, and requires PKCE, like the
 * providers Trawl meets in production. Consent is granted automatically for the configured client.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export interface DevOidcOptions {
  port?: number;
  clientId?: string;
  redirectUris: string[];
}

export interface DevOidc {
  issuer: string;
  clientId: string;
  close(): Promise<void>;
}

/**
 * `alice` signs in as alice@example.test; a login that contains "@" is used as the e-mail itself. The login is the
 * subject. Development only: a login written `<tag>:<login>` is another subject with the same address, and the tag
 * `unverified` answers `email_verified: false`, `unstated` leaves the claim out (a provider that lets anyone claim an
 * address, for the tests of account linking).
 */
export function claimsFor(login: string) {
  const tag = /^([a-z0-9-]+):(.+)$/.exec(login);
  const name = tag ? tag[2]! : login;
  const email = name.includes('@') ? name.toLowerCase() : `${name.toLowerCase()}@example.test`;
  const verified = tag?.[1] === 'unverified' ? { email_verified: false } : tag?.[1] === 'unstated' ? {} : { email_verified: true };
  return { sub: login, email, ...verified, name: name.split('@')[0] ?? name };
}

export async function startDevOidc(opts: DevOidcOptions): Promise<DevOidc> {
  const clientId = opts.clientId ?? 'trawl-dev';
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId, token_endpoint_auth_method: 'none', redirect_uris: opts.redirectUris,
      grant_types: ['authorization_code'], response_types: ['code'],
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    scopes: ['openid', 'email', 'profile'],
    pkce: { required: () => true },
    cookies: { keys: ['trawl-dev-oidc-cookie-key-not-a-secret'] },
    features: { devInteractions: { enabled: true } },
    findAccount: async (_ctx: KoaContextWithOIDC, id: string) => ({ accountId: id, claims: async () => claimsFor(id) }),
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 120, Session: 3600, Interaction: 600, Grant: 3600 },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
