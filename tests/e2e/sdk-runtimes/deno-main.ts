/**
 * Run by Deno with `--allow-net=<the edge's host:port>` and no other permission, from a directory where the test
 * put the SDK bundle as ./sdk.js: `deno run … deno-main.ts <input JSON>`. Prints the flow's output as JSON.
 */
// @ts-expect-error: the bundle is written next to this file by the test (sdk/scripts/bundle.ts), not checked in.
import { Trawl } from './sdk.js';
import { sdkFlow, type FlowInput } from './flow.ts';

declare const Deno: { args: string[] };
console.log(JSON.stringify(await sdkFlow(Trawl, JSON.parse(Deno.args[0]!) as FlowInput)));
