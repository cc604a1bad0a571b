import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { FULL_CHROMIUM, HEADLESS_SHELL, defaultChromiumPath } from '../src/chromium-path.ts';

const SECRET = 'a-secret-of-enough-length';

describe('loadConfig', () => {
  it('fills the documented defaults', () => {
    const c = loadConfig({ FLEET_SECRET: SECRET });
    expect(c).toMatchObject({
      host: '127.0.0.1', port: 8790, slots: 4, browsers: 1, chromiumPath: defaultChromiumPath({}),
      heartbeatMs: 2000, drainMs: 20000, publicUrl: undefined, edgeUrl: undefined, cdpEndpoint: undefined,
    });
    expect(c.nodeId).toMatch(/^nod_[a-z0-9]{10}$/);
  });

  it('launches the headless shell when it is installed, full Chromium otherwise, CHROMIUM_PATH above both', () => {
    expect(defaultChromiumPath({}, (p) => p === HEADLESS_SHELL)).toBe(HEADLESS_SHELL);
    expect(defaultChromiumPath({}, () => false)).toBe(FULL_CHROMIUM);
    expect(defaultChromiumPath({ CHROMIUM_PATH: '/opt/chrome' }, () => true)).toBe('/opt/chrome');
    expect(loadConfig({ FLEET_SECRET: SECRET, CHROMIUM_PATH: '/opt/chrome' }).chromiumPath).toBe('/opt/chrome');
  });

  it('fails closed, naming every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({ FLEET_PORT: 'eighty', FLEET_SLOTS: '0', TRAWL_EDGE_URL: 'ftp://edge' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of ['FLEET_SECRET: is required', 'FLEET_PORT', 'FLEET_SLOTS', 'TRAWL_EDGE_URL']) expect(message).toContain(name);
  });

  it('reads values from the environment', () => {
    const c = loadConfig({ FLEET_SECRET: SECRET, FLEET_PORT: '0', FLEET_SLOTS: '2', FLEET_NODE_ID: 'node-a', TRAWL_CDP_ENDPOINT: 'ws://127.0.0.1:3000' });
    expect(c).toMatchObject({ port: 0, slots: 2, nodeId: 'node-a', cdpEndpoint: 'ws://127.0.0.1:3000' });
  });

  it('the sandbox is on unless FLEET_CHROMIUM_NO_SANDBOX is exactly "true"; anything else but "false" stops the node', () => {
    expect(loadConfig({ FLEET_SECRET: SECRET })).toMatchObject({ chromiumNoSandbox: false, chromiumUser: 'trawl-chromium' });
    expect(loadConfig({ FLEET_SECRET: SECRET, FLEET_CHROMIUM_NO_SANDBOX: 'true' }).chromiumNoSandbox).toBe(true);
    expect(loadConfig({ FLEET_SECRET: SECRET, FLEET_CHROMIUM_NO_SANDBOX: 'false' }).chromiumNoSandbox).toBe(false);
    expect(() => loadConfig({ FLEET_SECRET: SECRET, FLEET_CHROMIUM_NO_SANDBOX: 'yes' })).toThrow(/FLEET_CHROMIUM_NO_SANDBOX: true or false/);
    expect(() => loadConfig({ FLEET_SECRET: SECRET, FLEET_CHROMIUM_USER: 'root; rm' })).toThrow(/FLEET_CHROMIUM_USER/);
  });
});

