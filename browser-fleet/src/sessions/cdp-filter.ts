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
  // Carries a whole CDP message inside a string that this filter would not see (flattened sessions need no such thing).
  'Target.sendMessageToTarget': 'use flattened sessions (sessionId on each message); refused',
};
/** Domains that reach the host (extensions and apps installed from a path or URL, process and GPU details). */
const REFUSED_DOMAINS = new Set(['Extensions', 'PWA', 'SystemInfo']);

/** The URLs a program may name: the web (through the egress lane), inline content and blank pages. */
const SCHEMES = new Set(['http:', 'https:', 'data:', 'blob:']);
const ABOUT = new Set(['about:blank', 'about:srcdoc']);

/** Parsed as the browser would (WHATWG: tabs and newlines dropped, scheme lower-cased); anything else is refused. */
export function allowedUrl(raw: string): boolean {
  if (!URL.canParse(raw)) return false;
  const u = new URL(raw);
  return SCHEMES.has(u.protocol) || ABOUT.has(`${u.protocol}${u.pathname}`);
}

interface CdpCall { id?: unknown; sessionId?: unknown; method?: unknown; params?: unknown }

function refuse(call: CdpCall, reason: string): FilterDecision {
  if (typeof call.id !== 'number') return { kind: 'refuse', reply: null, reason };
  const reply: Record<string, unknown> = { id: call.id, error: { code: -32000, message: `Trawl: ${reason}` } };
  if (typeof call.sessionId === 'string') reply.sessionId = call.sessionId;
  return { kind: 'refuse', reply: JSON.stringify(reply), reason };
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
  if (REFUSED_DOMAINS.has(method.split('.')[0] ?? '')) return refuse(call, `${method}: the ${method.split('.')[0]} domain reaches the browser host; refused`);
  if (method === 'Target.createBrowserContext' && (params.proxyServer !== undefined || params.proxyBypassList !== undefined)) {
    return refuse(call, 'Target.createBrowserContext: a context with its own proxy would go around the egress policy; refused');
  }
  // Any call naming a URL (Page.navigate, Target.createTarget, Fetch.continueRequest...): file:, chrome:, view-source:
  // and the like would show the host's files or the browser's internals.
  const url = params.url;
  if (typeof url === 'string' && url !== '' && !allowedUrl(url)) return refuse(call, `${method}: only http(s) URLs and about:blank may be opened, not ${url.slice(0, 100)}`);
  // What goes on is what was checked: re-serialised, so a duplicate key the browser's JSON parser might read the
  // other way ("url" twice) cannot pass one value here and another there.
  return { kind: 'pass', message: JSON.stringify(call) };
}
