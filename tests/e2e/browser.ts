import { chromium, type Browser } from 'playwright-core';

/** The flags this machine's Chromium needs headless as root, without background traffic to the outside. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A real Chromium for tests that act as a person in a browser (sign-in, the widget, the trace viewer). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}
