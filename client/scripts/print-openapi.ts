// Prints the edge's OpenAPI document by asking the Worker's own fetch handler (no bindings are touched by this route).
import worker from '../../edge/src/index.ts';

const env = { ENVIRONMENT: 'test', FLEET_SECRET: 'x'.repeat(32), DB: {} } as never;
const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as never;
const res = await worker.fetch(new Request('http://127.0.0.1/v1/openapi.json'), env, ctx);
if (res.status !== 200) throw new Error(`/v1/openapi.json answered ${res.status}: ${await res.text()}`);
process.stdout.write(await res.text());
