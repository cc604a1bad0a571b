/**
 * What a remote program may say to its session's browser (ADR 0039). The browser is the session's alone (no other
 * task's targets exist in it) and every context in it leaves through the session's egress lane, so what is refused
 * here is what would reach past the browser: the node's files (file: and chrome: pages, file inputs filled from
 * the node's disk, resource loads outside the network stack), the node's disk (downloads) and a context with its
 * own proxy (around the egress lane).
 */
export type FilterDecision =
  | { kind: 'pass'; message: string }
  | { kind: 'refuse'; reply: string | null; reason: string };

/** Methods refused outright, with the reason the program reads in the CDP error. */
const REFUSED: Record<string, string> = {
  'DOM.setFileInputFiles': 'file inputs are filled from the browser host\'s disk; refused',
  'Network.loadNetworkResource': 'loads resources outside the page\'s network stack; refused',
  'Target.exposeDevToolsProtocol': 'would give a page the browser\'s CDP; refused',
  'Target.setRemoteLocations': 'refused on a Trawl session',
};

/** The URLs a program may open: the web through the egress lane, and blank pages. */
const NAVIGABLE = /^(?:https?:\/\/|about:blank(?:[?#]|$))/i;

interface CdpCall { id?: unknown; sessionId?: unknown; method?: unknown; params?: unknown }

function refuse(call: CdpCall, reason: string): FilterDecision {
  if (typeof call.id !== 'number') return { kind: 'refuse', reply: null, reason };
  const reply: Record<string, unknown> = { id: call.id, error: { code: -32000, message: `Trawl: ${reason}` } };
  if (typeof call.sessionId === 'string') reply.sessionId = call.sessionId;
  return { kind: 'refuse', reply: JSON.stringify(reply), reason };
}

function urlParam(params: Record<string, unknown>): string | null {
  return typeof params.url === 'string' ? params.url : null;
}

/** Decides one message from the program; a refused call is answered with a CDP error so the program sees why. */
export function filterClientMessage(raw: string): FilterDecision {
  let call: CdpCall;
  try {
    call = JSON.parse(raw) as CdpCall;
  } catch {
    return { kind: 'refuse', reply: null, reason: 'not JSON' };
  }
  if (typeof call !== 'object' || call === null || typeof call.method !== 'string') return refuse(call ?? {}, 'not a CDP call');
  const params = (typeof call.params === 'object' && call.params !== null ? call.params : {}) as Record<string, unknown>;
  const method = call.method;
  if (method === 'Browser.setDownloadBehavior' || method === 'Page.setDownloadBehavior') {
    // Playwright sets this on every context it makes; downloads are denied rather than the call refused.
    const { downloadPath: _path, ...rest } = params;
    return { kind: 'pass', message: JSON.stringify({ ...call, params: { ...rest, behavior: 'deny' } }) };
  }
  const refused = REFUSED[method];
  if (refused) return refuse(call, `${method}: ${refused}`);
  if (method === 'Target.createBrowserContext' && (params.proxyServer !== undefined || params.proxyBypassList !== undefined)) {
    return refuse(call, 'Target.createBrowserContext: a context with its own proxy would go around the egress policy; refused');
  }
  if (method === 'Page.navigate' || method === 'Target.createTarget') {
    const url = urlParam(params);
    if (url !== null && url !== '' && !NAVIGABLE.test(url.trim())) return refuse(call, `${method}: only http(s) URLs and about:blank may be opened, not ${url.slice(0, 100)}`);
  }
  return { kind: 'pass', message: raw };
}
