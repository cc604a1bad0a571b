import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The last line (src/last-line.ts) in a process of its own, as main.ts installs it: throws from event listeners and
 * unawaited rejections are logged with the tasks in flight and the process serves on, up to 5 a minute.
 */
const LAST_LINE = join(import.meta.dirname, '..', 'src', 'last-line.ts');
const LOG = join(import.meta.dirname, '..', 'src', 'log.ts');

function run(body: string): { code: number | null; lines: Array<Record<string, unknown>> } {
  const script = `
    import { EventEmitter } from 'node:events';
    import { installLastLine } from ${JSON.stringify(LAST_LINE)};
    import { createLogger } from ${JSON.stringify(LOG)};
    const log = createLogger({});
    installLastLine(log, () => [{ runId: 'run_1', taskId: 'tsk_1' }], (code) => process.exit(code));
    const emitter = new EventEmitter();
    emitter.on('page', () => { throw new Error('handler bug'); });
    const later = (fn) => new Promise((resolve) => setTimeout(() => { resolve(); fn(); }, 5));
    ${body}
    await new Promise((resolve) => setTimeout(resolve, 50));
    console.log(JSON.stringify({ msg: 'still serving' }));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, lines: r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('last line', () => {
  it('logs a listener throw and an unhandled rejection with the tasks in flight, and serves on', () => {
    const { code, lines } = run(`
      await later(() => emitter.emit('page'));
      void Promise.reject(new Error('nobody awaited this'));`);
    expect(code).toBe(0);
    expect(lines.map((l) => [l.msg, l.error])).toEqual([
      ['uncaught exception; the node serves on', 'handler bug'],
      ['unhandled promise rejection; the node serves on', 'nobody awaited this'],
      ['still serving', undefined],
    ]);
    expect(lines[0]?.tasksInFlight).toEqual([{ runId: 'run_1', taskId: 'tsk_1' }]);
    // The shared line format (schemas/src/log.ts): ts (ISO-8601), level, msg first.
    expect(Object.keys(lines[0] ?? {}).slice(0, 3)).toEqual(['ts', 'level', 'msg']);
    expect(lines[0]?.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(lines[0]?.level).toBe('error');
  });

  it('exits (for its supervisor to restart it) after more than 5 in a minute', () => {
    const { code, lines } = run('for (let i = 0; i < 6; i++) await later(() => emitter.emit(\'page\'));');
    expect(code).toBe(70);
    expect(lines.filter((l) => l.msg === 'uncaught exception; the node serves on')).toHaveLength(6);
    expect(lines.at(-1)?.msg).toBe('more than 5 uncaught errors in a minute: exiting so the supervisor restarts the node');
  });

  it('does not count Playwright\'s late event for a closed context towards the exit', () => {
    const { code, lines } = run(`
      const late = () => {
        const e = new Error('Object with guid response@0123abcd was not bound in the connection');
        e.stack = e.message + '\\n    at Connection.dispatch (/x/node_modules/playwright-core/lib/coreBundle.js:1:1)';
        throw e;
      };
      for (let i = 0; i < 8; i++) await later(late);`);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.msg === 'a Playwright event for a closed context was dropped; the node serves on')).toHaveLength(8);
    expect(lines.at(-1)?.msg).toBe('still serving');
  });
});
