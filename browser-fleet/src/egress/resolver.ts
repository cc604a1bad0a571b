import { lookup } from 'node:dns/promises';
import type { Resolver } from './check.ts';

const RESOLVE_MS = 5000;

/** The system's resolver (getaddrinfo: /etc/hosts, then DNS), every answer, bounded in time. */
export const systemResolver: Resolver = async (host) => {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('DNS lookup timed out')), RESOLVE_MS).unref());
  const answers = await Promise.race([lookup(host, { all: true, order: 'verbatim' }), timeout]);
  return answers.map((a) => a.address);
};
