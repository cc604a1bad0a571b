import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../src/log.ts';

/** Issue #15 §6: the edge and the fleet write the same line; the exact text is what log pipelines parse. */
describe('the shared logger', () => {
  const at = () => new Date(Date.UTC(2026, 10, 30, 19, 5, 7, 42));
  const capture = () => {
    const lines: Array<[string, LogLevel]> = [];
    return { lines, sink: (line: string, level: LogLevel) => { lines.push([line, level]); } };
  };

  it('writes one JSON line {ts: ISO-8601, level, msg, ...fields}, with the child fields', () => {
    const { lines, sink } = capture();
    const run = createLogger({ component: 'coordinator' }, sink, at).child({ runId: 'run_1' });
    run.info('task leased', { taskId: 'tsk_1', attempt: 2 });
    run.error('persisting failed', { err: 'boom' });
    expect(lines).toEqual([
      ['{"ts":"2026-11-30T19:05:07.042Z","level":"info","msg":"task leased","component":"coordinator","runId":"run_1","taskId":"tsk_1","attempt":2}', 'info'],
      ['{"ts":"2026-11-30T19:05:07.042Z","level":"error","msg":"persisting failed","component":"coordinator","runId":"run_1","err":"boom"}', 'error'],
    ]);
  });

  it('the edge module is this logger (the fleet\'s is checked in browser-fleet/test/last-line.test.ts)', async () => {
    const edge = await import('../../edge/src/lib/log.ts');
    const { lines, sink } = capture();
    edge.createLogger({ nodeId: 'n1' }, sink, at).warn('slow', { ms: 5 });
    expect(lines).toEqual([['{"ts":"2026-11-30T19:05:07.042Z","level":"warn","msg":"slow","nodeId":"n1","ms":5}', 'warn']]);
  });
});
