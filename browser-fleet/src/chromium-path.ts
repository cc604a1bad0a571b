import { existsSync } from 'node:fs';

/** Debian's packages: `chromium-headless-shell` (Chromium's old headless mode, a separate build) and `chromium`. */
export const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
export const FULL_CHROMIUM = '/usr/bin/chromium';

/**
 * The browser a node launches when CHROMIUM_PATH is not set: the headless shell when it is installed, else full
 * Chromium. Full Chromium's headless mode is the whole browser with its window and tab-strip machinery, which it
 * builds for every new BrowserContext: on this project's 2-core machine a fresh context plus one page load costs
 * ~850-1000 ms of Chromium CPU there and ~190-240 ms in the shell (bench/ctx-cost.ts). The fleet opens a fresh
 * context per task, so the shell is what makes that affordable. Playwright makes the same choice for headless runs.
 */
export function defaultChromiumPath(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): string {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  return exists(HEADLESS_SHELL) ? HEADLESS_SHELL : FULL_CHROMIUM;
}
