// Resolves `cloudflare:workers` to a stub so the edge's module graph loads in Node, only to read its OpenAPI document.
export async function resolve(specifier, context, next) {
  if (specifier === 'cloudflare:workers') return { url: 'data:text/javascript,export class DurableObject {}', shortCircuit: true };
  return next(specifier, context);
}
