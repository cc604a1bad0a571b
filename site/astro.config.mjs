// Built statically into site/dist, which the Worker serves as static assets
// (wrangler `[assets] directory = "site/dist"`); the API shares the origin under /v1, /health, /internal.
import solid from '@astrojs/solid-js';
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  outDir: './dist',
  integrations: [solid()],
  devToolbar: { enabled: false },
  // The guides' code blocks (docs/*.md at /docs/) use the site's own colours: a highlighter theme's did not meet WCAG contrast.
  markdown: { syntaxHighlight: false },
});
