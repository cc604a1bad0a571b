// A Worker that runs the SDK flow for the test: POST the flow's input as JSON, get its output (or the error) back.
import { Trawl } from './sdk.js';
import { sdkFlow } from './flow.js';

export default {
  async fetch(request) {
    try {
      return Response.json(await sdkFlow(Trawl, await request.json()));
    } catch (e) {
      return Response.json({ error: String(e && e.stack || e) }, { status: 500 });
    }
  },
};
