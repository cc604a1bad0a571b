/**
 * playwright-core as the fleet resolves it (the root package does not depend on it): the same
 * copy and version the fleet drives Chromium with, so the baseline differs only in the pipeline.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/stack.ts';

type Playwright = typeof import('../../browser-fleet/node_modules/playwright-core/index.js');
const require = createRequire(join(ROOT, 'browser-fleet', 'package.json'));
export const { chromium } = require('playwright-core') as Playwright;
export type { Browser, BrowserContext, Page } from '../../browser-fleet/node_modules/playwright-core/index.js';
