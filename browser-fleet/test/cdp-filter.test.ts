import { describe, expect, it } from 'vitest';
import { filterClientMessage } from '../src/sessions/cdp-filter.ts';

const call = (method: string, params: Record<string, unknown> = {}, sessionId?: string) => JSON.stringify({ id: 7, method, params, ...(sessionId ? { sessionId } : {}) });
const refused = (raw: string) => {
  const d = filterClientMessage(raw);
  return d.kind === 'refuse' ? (JSON.parse(d.reply ?? '{}') as { id?: number; sessionId?: string; error?: { message: string } }) : null;
};

/** The session CDP filter (ADR 0039): what would reach past the session's browser is answered with a CDP error. */
describe('session CDP filter', () => {
  it('passes ordinary calls as they were checked', () => {
    const d = filterClientMessage(call('Page.navigate', { url: 'https://example.com/' }, 'S1'));
    expect(d).toEqual({ kind: 'pass', message: call('Page.navigate', { url: 'https://example.com/' }, 'S1') });
    expect(filterClientMessage(call('Target.createTarget', { url: 'about:blank' })).kind).toBe('pass');
    expect(filterClientMessage(call('Target.createBrowserContext', { disposeOnDetach: true })).kind).toBe('pass');
  });
  it('refuses URLs outside the web, however they are spelled', () => {
    for (const url of ['file:///etc/passwd', ' FILE:///etc/passwd', 'fi\tle:///etc/passwd', 'chrome://version', 'view-source:https://a.test/', 'javascript:alert(1)', 'about:config', 'devtools://devtools/x']) {
      expect(refused(call('Page.navigate', { url }, 'S1'))?.error?.message, url).toMatch(/^Trawl: Page\.navigate: only http\(s\) URLs/);
    }
    expect(refused(call('Fetch.continueRequest', { requestId: 'r', url: 'file:///etc/passwd' }))?.id).toBe(7);
  });
  it('answers a refused call on its own session id', () => {
    expect(refused(call('DOM.setFileInputFiles', { files: ['/etc/passwd'] }, 'S9'))).toEqual({ id: 7, sessionId: 'S9', error: { code: -32000, message: 'Trawl: DOM.setFileInputFiles: file inputs are filled from the browser host\'s disk; refused' } });
  });
  it('refuses a context with its own proxy, nested messages and host domains', () => {
    expect(refused(call('Target.createBrowserContext', { proxyServer: 'direct://' }))?.error?.message).toMatch(/its own proxy/);
    expect(refused(call('Target.createBrowserContext', { proxyBypassList: '*' }))?.error?.message).toMatch(/its own proxy/);
    expect(refused(call('Target.sendMessageToTarget', { message: call('Page.navigate', { url: 'file:///' }) }))?.error?.message).toMatch(/flattened/);
    expect(refused(call('Extensions.loadUnpacked', { path: '/tmp' }))?.error?.message).toMatch(/Extensions domain/);
    expect(refused(call('SystemInfo.getProcessInfo'))?.error?.message).toMatch(/SystemInfo domain/);
  });
  it('turns download behaviour into deny and drops the path', () => {
    const d = filterClientMessage(call('Browser.setDownloadBehavior', { behavior: 'allowAndName', downloadPath: '/root', browserContextId: 'C', eventsEnabled: true }));
    expect(d.kind === 'pass' ? JSON.parse(d.message) : d).toEqual({ id: 7, method: 'Browser.setDownloadBehavior', params: { browserContextId: 'C', eventsEnabled: true, behavior: 'deny' } });
  });
  it('checks the value the browser will read when a key comes twice', () => {
    const raw = '{"id":7,"method":"Page.navigate","params":{"url":"http://a.test/","url":"file:///etc/passwd"}}';
    expect(refused(raw)?.error?.message).toMatch(/file:/);
    const d = filterClientMessage('{"id":7,"method":"Page.navigate","params":{"url":"file:///etc/passwd","url":"http://a.test/"}}');
    expect(d).toEqual({ kind: 'pass', message: call('Page.navigate', { url: 'http://a.test/' }) });
  });
  it('drops what is not a CDP call', () => {
    expect(filterClientMessage('not json')).toEqual({ kind: 'refuse', reply: null, reason: 'not JSON' });
    expect(refused(JSON.stringify({ id: 3 }))?.error?.message).toBe('Trawl: not a CDP call');
  });
});
