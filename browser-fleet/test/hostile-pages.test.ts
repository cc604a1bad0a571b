import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode, Task, TaskResult } from '@trawl/schemas';
import { makeTask } from './fixtures.ts';
import { BIG_DOWNLOAD_BYTES, startHostileSite, type HostileSite } from './hostile-site.ts';
import { startNodeProcess, type NodeProcess } from './node-process.ts';
import { cmdlineOf, processTree, rssBytes } from '../../scripts/lib/proc-tree.ts';
import { startRecordingEdge, type RecordingEdge } from './recording-edge.ts';
import { startTestSite, type TestSite } from './test-server.ts';

/**
 * Issue #9: nothing a page does ends the node process. Each hostile page runs on a real fleet node process
 * (src/main.ts, its own Chromium) while a task of another organization runs on the same node; the hostile task
 * must end with the expected outcome and code, the neighbour must succeed with all its items, and the node must
 * still be up (process alive, /health ok, no uncaught error in its log). The table goes to test-results/.
 */
const SECRET = 'hostile-secret-0123456789abcdef';
let node: NodeProcess;
/** Resolves when the node process exits: a case that kills it fails at once instead of waiting for results. */
let died: Promise<'died'>;
let edge: RecordingEdge;
let hostile: HostileSite;
let site: TestSite;
const rows: string[] = [];

beforeAll(async () => {
  [edge, hostile, site] = await Promise.all([startRecordingEdge(SECRET), startHostileSite(), startTestSite()]);
  node = await startNodeProcess('main.ts', { FLEET_SECRET: SECRET, TRAWL_EDGE_URL: edge.url, FLEET_EGRESS_ALLOW: [hostile.url, site.url].map((u) => new URL(u).host).join(','), FLEET_SLOTS: '4' });
  died = new Promise((resolve) => node.child.once('exit', () => resolve('died')));
}, 60_000);

afterAll(async () => {
  await node?.stop();
  await Promise.all([edge?.close(), hostile?.close(), site?.close()]);
  if (rows.length === 0) return;
  const dir = join(import.meta.dirname, '..', '..', 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hostile-pages.md'), ['| case | task outcome / code | node up | neighbour ok |', '| --- | --- | --- | --- |', ...rows, ''].join('\n'));
}, 30_000);

interface Case {
  name: string;
  path: string;
  /** Job actions (a click makes a real user gesture: target=_blank, <a download>). */
  actions?: Array<Record<string, unknown>>;
  deadlineMs?: number;
  /** What the test does to the page from outside while it runs (the renderer crash). */
  meanwhile?: (task: Task) => Promise<void>;
  expect: { outcome: 'succeeded'; items: number } | { outcome: 'failed'; code: ErrorCode };
  /** Checks beyond the outcome (events the guard reported, bytes sent). */
  also?: (seen: Seen) => void;
}

/** A task's result and its event messages (those posted while it ran and those sent with the result). */
interface Seen { result: TaskResult; events: string[] }
const eventsOf = (s: Seen): string[] => s.events;
const ok5 = { outcome: 'succeeded', items: 5 } as const;
const hold = (ms: number) => [{ do: 'delay', ms }];

const CASES: Case[] = [
  { name: 'window.open to an allowed address', path: '/open-allowed', expect: ok5, also: (r) => expect(eventsOf(r)).toContain('closed a popup the page opened') },
  { name: 'window.open to a blocked address', path: '/open-blocked', expect: ok5, also: (r) => expect(r.result.blocked?.map((b) => b.host)).toEqual(['169.254.169.254']) },
  { name: 'window.open about:blank', path: '/open-blank', expect: ok5, also: (r) => expect(eventsOf(r)).toContain('closed a popup the page opened') },
  { name: 'window.open javascript:', path: '/open-javascript', expect: ok5 },
  { name: '50 window.open in a loop', path: '/open-many', expect: ok5 },
  { name: 'target=_blank click', path: '/blank-link', actions: [{ do: 'click', selector: '#out' }, ...hold(1000)], expect: ok5, also: (r) => expect(eventsOf(r)).toContain('closed a popup the page opened') },
  { name: '<a download> click', path: '/download-link', actions: [{ do: 'click', selector: '#dl' }], expect: ok5, also: (r) => expect(eventsOf(r)).toContain('refused a download') },
  { name: '100 MB download click', path: '/download-big-link', actions: [{ do: 'click', selector: '#dl' }], expect: ok5 },
  { name: 'Content-Disposition: attachment as the page', path: '/attachment', expect: { outcome: 'failed', code: 'DOWNLOAD_REFUSED' } },
  { name: '100 MB attachment as the page', path: '/file/big', expect: { outcome: 'failed', code: 'DOWNLOAD_REFUSED' } },
  { name: 'alert, confirm, prompt, beforeunload', path: '/dialogs', expect: ok5, also: (r) => expect(eventsOf(r).filter((m) => m.startsWith('dismissed a'))).toEqual(['dismissed a alert dialog', 'dismissed a confirm dialog', 'dismissed a prompt dialog']) },
  { name: 'print()', path: '/print', expect: ok5 },
  { name: 'endless JS loop', path: '/endless-loop', deadlineMs: 4000, expect: { outcome: 'failed', code: 'TASK_TIMEOUT' } },
  { name: 'memory bomb', path: '/memory-bomb', deadlineMs: 25_000, expect: { outcome: 'failed', code: 'PAGE_CRASHED' } },
  { name: 'renderer crash', path: '/renderer-crash', actions: hold(15_000), deadlineMs: 25_000, meanwhile: () => crashRenderer(), expect: { outcome: 'failed', code: 'PAGE_CRASHED' } },
  { name: 'page closes itself (window.close())', path: '/self-close', expect: ok5 },
  // The renderer needs ~10 s for the 10,000 elements (9.8 s measured in the page); the task's deadline ends it.
  { name: '10,000 iframes', path: '/iframes', deadlineMs: 4000, expect: { outcome: 'failed', code: 'TASK_TIMEOUT' } },
  { name: 'history spam', path: '/history-spam', expect: ok5 },
];

describe('hostile pages on a fleet node process', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const bad = makeTask(`${hostile.url}${c.path}`, { orgId: 'org_hostile', edgeUrl: edge.url, deadline: Date.now() + (c.deadlineMs ?? 10_000) }, c.actions ? { actions: c.actions } : {});
      // The neighbour holds its page for a while, so it runs alongside the hostile one from start to end.
      const neighbour = makeTask(`${site.url}/listing`, { orgId: 'org_neighbour', edgeUrl: edge.url, deadline: Date.now() + 30_000 }, { actions: hold(1500), pagination: undefined });
      const linesBefore = node.lines.length;
      expect((await node.offer(neighbour)).status).toBe(202);
      expect((await node.offer(bad)).status).toBe(202);
      await c.meanwhile?.(bad);
      const both = Promise.all([resultOf(bad), resultOf(neighbour)]);
      const outcome = await Promise.race([both, died]);
      if (outcome === 'died') {
        rows.push(`| ${c.name} | node process died (${node.child.signalCode ?? `exit ${node.child.exitCode}`}) | NO | NO |`);
        throw new Error(`the node process died during "${c.name}":\n${node.lines.slice(-10).join('\n')}`);
      }
      const [badSeen, { result: neighbourResult }] = outcome;
      const badResult = badSeen.result;
      const health = await node.health();
      const up = node.child.exitCode === null && node.child.signalCode === null && health?.status === 200 && health.ok;
      const uncaught = node.lines.slice(linesBefore).filter((l) => /uncaught exception|unhandled promise rejection/.test(l));
      // Playwright's own late-event race (last-line.ts) is logged and survived, and said so in the table.
      const dropped = node.lines.slice(linesBefore).filter((l) => l.includes('a Playwright event for a closed context was dropped')).length;
      const neighbourOk = neighbourResult.outcome === 'succeeded' && neighbourResult.items.length === 20;
      rows.push(`| ${c.name} | ${badResult.outcome}${badResult.error ? ` ${badResult.error.code}` : ` (${badResult.items.length} items)`} | ${up && uncaught.length === 0 ? `yes${dropped ? ` (${dropped} Playwright late event dropped)` : ''}` : 'NO'} | ${neighbourOk ? 'yes' : 'NO'} |`);

      if (c.expect.outcome === 'succeeded') {
        expect({ outcome: badResult.outcome, error: badResult.error?.message, items: badResult.items.length }).toEqual({ outcome: 'succeeded', error: undefined, items: c.expect.items });
      } else {
        expect({ outcome: badResult.outcome, code: badResult.error?.code }).toEqual({ outcome: 'failed', code: c.expect.code });
      }
      c.also?.(badSeen);
      expect({ outcome: neighbourResult.outcome, items: neighbourResult.items.length }).toEqual({ outcome: 'succeeded', items: 20 });
      expect(up).toBe(true);
      expect(uncaught).toEqual([]);
    }, 60_000);
  }

  it('fetches only part of a refused 100 MB download', () => {
    // Both 100 MB cases ran above; without acceptDownloads false Chromium saves the whole file to the node's disk.
    expect(hostile.downloadBytes).toBeLessThan(BIG_DOWNLOAD_BYTES);
  });
});

async function resultOf(task: Task): Promise<Seen> {
  const call = await edge.waitFor((r) => r.kind === 'result' && r.path.includes(`/tasks/${task.taskId}/`), Math.max(0, task.deadline - Date.now()) + 20_000);
  const events = edge.calls
    .filter((c) => c.path.includes(`/tasks/${task.taskId}/`) && (c.kind === 'events' || c.kind === 'result'))
    .flatMap((c) => ((c.body as { events?: Array<{ message: string }> }).events ?? []).map((e) => e.message));
  return { result: call.body as TaskResult, events };
}

/**
 * Crashes the renderer of the hostile page from outside, as a renderer bug or the kernel's OOM killer would: SIGKILL
 * to the node's one renderer process holding the page's ~400 MB ballast (Chromium has no debugging port to ask:
 * the node drives it over a pipe, ADR 0023). The neighbour's renderer holds a few tens of MB.
 */
async function crashRenderer(): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const renderers = processTree(node.child.pid ?? 0).filter((p) => cmdlineOf(p).includes('--type=renderer'));
    const ballast = renderers.filter((p) => rssBytes(p) > 300 * 1024 * 1024);
    if (ballast.length === 1) {
      process.kill(ballast[0]!, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no renderer of the node held the page\'s ballast');
}
