import { describe, expect, it } from 'vitest';
import type { Env } from '../src/env.ts';
import { notifyConfigOf, retryDelaySeconds } from '../src/notify/config.ts';
import { resolvedRefusal, webhookRefusal } from '../src/notify/egress.ts';
import { runEndEvents } from '../src/notify/run-end.ts';

const envOf = (vars: Partial<Env>): Env => ({ ENVIRONMENT: 'test', ...vars }) as Env;
const open = { allowDomains: [], denyDomains: [] };

describe('webhook targets obey the egress rules of pages', () => {
  const strict = notifyConfigOf(envOf({}));
  it.each([
    ['http://127.0.0.1:8080/hook', 'Loopback'],
    ['http://169.254.169.254/latest/meta-data', 'Link Local'],
    ['http://10.1.2.3/hook', 'Private-Use'],
    ['http://[::1]:9000/', 'Loopback'],
    ['http://2130706433/', 'Loopback'],
    ['http://localhost:3000/', 'localhost'],
    ['http://metadata.internal/', 'internal'],
  ])('refuses %s', (url, why) => {
    const r = webhookRefusal(url, open, strict);
    expect(r?.code).toBe('UNREACHABLE_TARGET');
    expect(r?.reason).toContain(why);
  });

  it('lets a public host through, and applies the organization\'s domain policy to it', () => {
    expect(webhookRefusal('https://hooks.example.com/x', open, strict)).toBeNull();
    expect(webhookRefusal('https://hooks.example.com/x', { allowDomains: [], denyDomains: ['*.example.com'] }, strict)?.code).toBe('BLOCKED_BY_POLICY');
  });

  it('passes only the exact host:port NOTIFY_EGRESS_ALLOW names (local stack), never another port of it', () => {
    const cfg = notifyConfigOf(envOf({ NOTIFY_EGRESS_ALLOW: '127.0.0.1:4555' }));
    expect(webhookRefusal('http://127.0.0.1:4555/hook', open, cfg)).toBeNull();
    expect(webhookRefusal('http://127.1:4555/hook', open, cfg)).toBeNull();
    expect(webhookRefusal('http://127.0.0.1:4556/hook', open, cfg)?.code).toBe('UNREACHABLE_TARGET');
    expect(webhookRefusal('http://10.0.0.1:4555/hook', open, cfg)?.code).toBe('UNREACHABLE_TARGET');
  });

  it('refuses NOTIFY_EGRESS_ALLOW in production (fail closed)', () => {
    expect(() => notifyConfigOf(envOf({ ENVIRONMENT: 'production', NOTIFY_EGRESS_ALLOW: '127.0.0.1:4555' })))
      .toThrow('NOTIFY_EGRESS_ALLOW is a local-stack setting and is refused in production');
  });
});

describe('a webhook host name is resolved and every address checked (DNS rebinding)', () => {
  // The DoH JSON answers of a zone; tests/e2e/notifications.test.ts does the same over real HTTP with the edge.
  const zone: Record<string, { A: string[]; AAAA: string[] }> = {
    'rebind.example.com': { A: ['93.184.216.34', '127.0.0.1'], AAAA: [] },
    'v6.example.com': { A: [], AAAA: ['fd00::1'] },
    'public.example.com': { A: ['93.184.216.34'], AAAA: ['2606:2800:220:1:248:1893:25c8:1946'] },
  };
  const doh = (async (input: string | URL | Request) => {
    const u = new URL(String(input));
    const type = u.searchParams.get('type') === 'AAAA' ? 'AAAA' : 'A';
    const answers = zone[u.searchParams.get('name') ?? '']?.[type] ?? [];
    return Response.json({ Status: 0, Answer: answers.map((data) => ({ type: type === 'A' ? 1 : 28, data })) });
  }) as typeof fetch;

  it('refuses a name with any private address, passes a public one', async () => {
    const cfg = notifyConfigOf(envOf({}));
    expect(await resolvedRefusal('https://rebind.example.com/hook', cfg, doh)).toBe('rebind.example.com resolves to 127.0.0.1, which is not a public address: Loopback (127.0.0.0/8, RFC1122)');
    expect(await resolvedRefusal('https://v6.example.com/hook', cfg, doh)).toMatch(/^v6.example.com resolves to fd00::1, which is not a public address: Unique-Local/);
    expect(await resolvedRefusal('https://nowhere.example.com/hook', cfg, doh)).toBe('nowhere.example.com has no address');
    expect(await resolvedRefusal('https://public.example.com/hook', cfg, doh)).toBeNull();
  });
});

describe('run end events and backoff', () => {
  it.each([
    ['succeeded', 0, ['run.finished']],
    ['succeeded', 2, ['run.finished', 'run.warnings']],
    ['partial', 0, ['run.finished']],
    ['cancelled', 0, ['run.finished']],
    ['failed', 0, ['run.failed']],
    ['failed', 1, ['run.failed', 'run.warnings']],
  ] as const)('%s with %i warning(s) raises %j', (status, n, events) => {
    const warnings = Array.from({ length: n }, () => ({ code: 'FEWER_ITEMS', message: 'm' })) as never[];
    expect(runEndEvents({ status, warnings })).toEqual(events);
  });

  it('doubles the delay per attempt from the base, capped at the queue\'s 12 hours', () => {
    expect([1, 2, 3, 4].map((a) => retryDelaySeconds({ retryBaseSeconds: 30 }, a))).toEqual([30, 60, 120, 240]);
    expect(retryDelaySeconds({ retryBaseSeconds: 30 }, 20)).toBe(43_200);
    expect(retryDelaySeconds({ retryBaseSeconds: 0 }, 3)).toBe(0);
  });
});
