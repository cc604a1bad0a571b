import type { createApp } from '../app.ts';
import { ERRORS, ERROR_CODES } from '@trawl/schemas';
import { VERSION } from './health.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Operation { summary?: string; description?: string; tags?: string[]; parameters?: Array<{ name: string; in: string; required?: boolean }>; requestBody?: unknown; responses?: Record<string, { description?: string }> }

/** The OpenAPI document, generated from the same zod schemas the routes validate with, and a self-contained reference page. */
export function registerDocs(app: ReturnType<typeof createApp>) {
  const info = { title: 'Trawl API', version: VERSION, description: 'Collect web data with real browsers. Authenticate with `Authorization: Bearer <API key>`.' };
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key: trawl_<prefix>_<secret>' });
  app.doc31('/v1/openapi.json', { openapi: '3.1.0', info });
  app.get('/v1/docs', (c) => {
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info });
    const ops: string[] = [];
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
        const params = (op.parameters ?? []).map((p) => `<code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''})`).join(', ');
        const responses = Object.entries(op.responses ?? {}).map(([s, r]) => `<li><b>${esc(s)}</b> ${esc(r.description ?? '')}</li>`).join('');
        ops.push(`<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
          <p>${esc(op.summary ?? '')}</p>${op.description ? `<p>${esc(op.description)}</p>` : ''}
          ${params ? `<p>Parameters: ${params}</p>` : ''}${op.requestBody ? '<p>Body: JSON (see the schema in <a href="/v1/openapi.json">openapi.json</a>)</p>' : ''}
          <ul>${responses}</ul></section>`);
      }
    }
    const errors = ERROR_CODES.map((code) => `<tr id="error-${code.toLowerCase()}"><td><code>${code}</code></td><td>${ERRORS[code].status}</td><td>${ERRORS[code].retryable ? 'yes' : 'no'}</td><td>${esc(ERRORS[code].hint)}</td></tr>`).join('');
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trawl API reference</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2433}code{background:#f1f3f7;padding:0 .25rem;border-radius:3px}
.op{border:1px solid #dde2ea;border-radius:8px;padding:.25rem 1rem;margin:1rem 0}.m{font-size:.8rem;padding:.1rem .4rem;border-radius:4px;color:#fff;background:#56627a}
.get{background:#1f7a4d}.post{background:#2454b3}.patch{background:#9a6700}.delete{background:#b42318}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #dde2ea;padding:.3rem;text-align:left;vertical-align:top}</style></head>
<body><h1>Trawl API reference <small>v${VERSION}</small></h1><p>${esc(info.description)} The machine-readable document is at <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>
<p>Every error has the body <code>{"error":{"code","message","hint","requestId","details"}}</code>.</p>
<h2>Endpoints</h2>${ops.join('\n')}<h2>Error codes</h2><table><tr><th>Code</th><th>HTTP</th><th>Retried</th><th>Hint</th></tr>${errors}</table></body></html>`);
  });
}
