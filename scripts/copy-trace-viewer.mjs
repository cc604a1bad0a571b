// Copies Playwright's trace viewer (shipped inside playwright-core) into the site's build output, so the
// Worker serves it at /trace/ and a trace opens with no upload anywhere else. Run after `astro build`.
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const require = createRequire(join(root, 'browser-fleet', 'package.json'));
const pkgPath = require.resolve('playwright-core/package.json');
const from = join(dirname(pkgPath), 'lib', 'vite', 'traceViewer');
const to = join(root, 'site', 'dist', 'trace');
if (!existsSync(join(from, 'index.html'))) {
  console.error(`copy-trace-viewer: no trace viewer at ${from} (has playwright-core moved its files?)`);
  process.exit(1);
}
cpSync(from, to, { recursive: true });
// The version stamp lets the stack launcher tell a stale copy from a current one.
writeFileSync(join(to, 'VERSION'), JSON.parse(readFileSync(pkgPath, 'utf8')).version);
console.log(`copy-trace-viewer: ${from} -> ${to}`);
