import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { redactHar, redactTrace, stripSessions } from '../src/artifacts/redact.ts';
import { Secrets } from '../src/secrets.ts';

const USER = 'ada@example.test';
const PASSWORD = 'p@ss word"42';
const COOKIE = 'sess-0123456789';

function secrets(): Secrets {
  const s = new Secrets();
  s.addLogin({ credential: { username: USER, password: PASSWORD }, flow: null, storageState: { cookies: [{ name: 's', value: COOKIE }], origins: [] } });
  return s;
}

const at = (ms: number): string => new Date(ms).toISOString();

describe('Secrets and artifact redaction (ADR 0023)', () => {
  it('masks each value raw, URL-encoded, form-encoded and JSON-escaped; short values are left alone', () => {
    const s = secrets();
    const text = `${USER} ${encodeURIComponent(USER)} user=ada%40example.test&pw=p%40ss+word%2242 {"pw":${JSON.stringify(PASSWORD)}} ${COOKIE}`;
    expect(s.mask(text)).toBe('*** *** user=***&pw=*** {"pw":"***"} ***');
    const short = new Secrets();
    short.addLogin({ credential: { username: 'ab', password: 'x' }, flow: null, storageState: { cookies: [{ name: 'c', value: 'short' }], origins: [] } });
    expect(short.empty).toBe(true);
  });

  it('masks inside event data and drops data a mask would make unparseable', () => {
    const s = secrets();
    expect(s.maskJson({ url: `https://shop.test/?u=${encodeURIComponent(USER)}`, n: 1 })).toEqual({ url: 'https://shop.test/?u=***', n: 1 });
    const odd = new Secrets();
    odd.addLogin({ credential: { username: 'a","y', password: 'zzz' }, flow: null, storageState: null });
    expect(odd.maskJson({ x: 'a', y: 'b' })).toEqual({});
  });

  it('strips Authorization, Proxy-Authorization, Cookie and Set-Cookie in any case, and empties cookie lists', () => {
    const entry = { request: { headers: [{ name: 'cookie', value: 'a=1' }, { name: 'Accept', value: '*/*' }, { name: 'AUTHORIZATION', value: 'Bearer x' }], cookies: [{ name: 'a', value: '1' }] },
      response: { headers: [{ name: 'Set-Cookie', value: 'a=2' }, { name: 'Proxy-Authorization', value: 'Basic y' }], cookies: [{ name: 'a', value: '2' }] } };
    expect(stripSessions(entry)).toEqual({ request: { headers: [{ name: 'Accept', value: '*/*' }], cookies: [] }, response: { headers: [], cookies: [] } });
  });

  it('a HAR loses every request started during a login, and the others lose their sessions and secrets', () => {
    const har = { log: { entries: [
      { startedDateTime: at(1000), request: { url: 'https://shop.test/login', headers: [] } },
      { startedDateTime: at(2000), request: { url: 'https://shop.test/login', postData: { text: `pw=${PASSWORD}` }, headers: [] } },
      { startedDateTime: at(3000), request: { url: 'https://shop.test/orders', headers: [{ name: 'Cookie', value: `s=${COOKIE}` }] }, response: { content: { text: `Hello ${USER}` } } },
    ] } };
    const out = JSON.parse(strFromU8(redactHar(strToU8(JSON.stringify(har)), secrets(), [{ from: 1500, to: 2500 }]))) as typeof har;
    expect(out.log.entries).toEqual([
      { startedDateTime: at(1000), request: { url: 'https://shop.test/login', headers: [] } },
      { startedDateTime: at(3000), request: { url: 'https://shop.test/orders', headers: [] }, response: { content: { text: 'Hello ***' } } },
    ]);
  });

  it('a trace zip keeps its files; network events lose sessions and every file loses the secrets', () => {
    const network = JSON.stringify({ type: 'resource-snapshot', snapshot: { request: { headers: [{ name: 'Cookie', value: `s=${COOKIE}` }] } } });
    const zip = zipSync({ 'trace.trace': strToU8(`{"type":"before","title":"${USER}"}\n`), 'trace.network': strToU8(`${network}\n`), 'resources/abc.html': strToU8(`<input value="${USER}">`) });
    const files = unzipSync(redactTrace(zip, secrets()));
    expect(Object.keys(files).toSorted()).toEqual(['resources/abc.html', 'trace.network', 'trace.trace']);
    expect(strFromU8(files['trace.trace']!)).toBe('{"type":"before","title":"***"}\n');
    expect(strFromU8(files['trace.network']!)).toBe('{"type":"resource-snapshot","snapshot":{"request":{"headers":[]}}}\n');
    expect(strFromU8(files['resources/abc.html']!)).toBe('<input value="***">');
  });
});
