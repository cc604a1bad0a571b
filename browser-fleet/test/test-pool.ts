import { BrowserPool } from '../src/pool.ts';
import { silentLogger } from '../src/log.ts';
import { defaultChromiumPath } from '../src/chromium-path.ts';

/** One Chromium per test file (contexts isolate the tests): the machine's Chromium unless CHROMIUM_PATH says otherwise. */
export function startTestPool(): Promise<BrowserPool> {
  return new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger }).start();
}
