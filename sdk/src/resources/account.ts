/** The organization's API keys, stored logins and domain policy. */
import type { TrawlClient } from '@trawl/client';
import { asBody, everyPage, unwrap } from '../call.ts';
import type { Key, KeyInput, KeyList, KeyWithSecret, Login, LoginInput, LoginList, Policy, PolicyDryRun, PolicyDryRunInput, PolicyInput, PolicyLimits } from '../types.ts';

export class Keys {
  constructor(private readonly api: TrawlClient) {}

  /** The secret (`key`) is in this answer only. */
  create(input: KeyInput): Promise<KeyWithSecret> {
    return unwrap(this.api.POST('/v1/keys', { body: asBody(input) }));
  }

  list(query: { limit?: number; cursor?: string } = {}): Promise<KeyList> {
    return unwrap(this.api.GET('/v1/keys', { params: { query } }));
  }

  all(): AsyncGenerator<KeyList['data'][number]> {
    return everyPage((cursor) => this.list(cursor ? { cursor } : {}));
  }

  revoke(id: string): Promise<Key> {
    return unwrap(this.api.DELETE('/v1/keys/{id}', { params: { path: { id } } }));
  }

  /** A new secret with the same settings; the old key stops working. */
  rotate(id: string): Promise<KeyWithSecret & { replaces: string }> {
    return unwrap(this.api.POST('/v1/keys/{id}/rotate', { params: { path: { id } } }));
  }
}

export class Logins {
  constructor(private readonly api: TrawlClient) {}

  /** Secrets are write-only: the answer never carries them. */
  create(input: LoginInput): Promise<Login> {
    return unwrap(this.api.POST('/v1/logins', { body: asBody(input) }));
  }

  list(): Promise<LoginList> {
    return unwrap(this.api.GET('/v1/logins', {}));
  }

  async delete(id: string): Promise<void> {
    await unwrap(this.api.DELETE('/v1/logins/{id}', { params: { path: { id } }, parseAs: 'text' }));
  }
}

export class PolicyApi {
  constructor(private readonly api: TrawlClient) {}

  get(): Promise<Policy> {
    return unwrap(this.api.GET('/v1/policy', {}));
  }

  set(input: PolicyInput): Promise<Policy> {
    return unwrap(this.api.PUT('/v1/policy', { body: asBody(input) }));
  }

  setLimits(limits: PolicyLimits): Promise<Policy> {
    return unwrap(this.api.PUT('/v1/policy/limits', { body: asBody(limits) }));
  }

  /** URLs checked against a (draft) policy as saving a job would check them. */
  dryRun(input: PolicyDryRunInput): Promise<PolicyDryRun> {
    return unwrap(this.api.POST('/v1/policy/dry-run', { body: asBody(input) }));
  }
}
