/**
 * The notification e2e file's real counterparts: a webhook receiver (idempotent by webhook-id, with scripted
 * failures), an SMTP server whose mail is parsed with mailparser, and a DNS-over-HTTPS (JSON) resolver on loopback.
 */
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface Received { path: string; id: string; timestamp: string; signature: string; body: string; status: number }
export interface Receiver { url: string; port: number; requests: Received[]; processed: string[]; close(): Promise<void> }

/** On the port global-setup reserved for it and told the edge about (an error if something else took it meanwhile). */
const listen = (s: Server, port: number): Promise<void> =>
  new Promise<void>((resolve, reject) => s.once('error', reject).listen(port, '127.0.0.1', resolve));
const closeServer = (s: Server) => new Promise<void>((r) => s.close(() => r()));

/** What each path answers: /ok 204; /flaky 500 to a webhook-id's first three attempts, then 200; /down always 503. */
function answer(path: string, attemptsOfId: number): number {
  if (path === '/flaky') return attemptsOfId <= 3 ? 500 : 200;
  if (path === '/down') return 503;
  return 204;
}

export async function startReceiver(port: number): Promise<Receiver> {
  const requests: Received[] = [];
  const processed: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const id = String(req.headers['webhook-id'] ?? '');
      const status = answer(path, requests.filter((r) => r.id === id && r.path === path).length + 1);
      requests.push({ path, id, timestamp: String(req.headers['webhook-timestamp'] ?? ''), signature: String(req.headers['webhook-signature'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'), status });
      // Idempotent by webhook-id, as the specification asks of receivers: a repeat is acknowledged, not processed again.
      if (status < 300 && !processed.includes(id)) processed.push(id);
      res.writeHead(status).end();
    });
  });
  await listen(server, port);
  return { url: `http://127.0.0.1:${port}`, port, requests, processed, close: () => closeServer(server) };
}

export interface Mailbox { port: number; mails: ParsedMail[]; close(): Promise<void> }

export async function startSmtp(port: number): Promise<Mailbox> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((m) => { mails.push(m); callback(); }, (err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => server.server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A DoH resolver answering A records from `zone` (no AAAA), as cloudflare-dns.com's JSON API does. */
export async function startDoh(port: number, zone: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const a = u.searchParams.get('type') === 'A' ? zone[u.searchParams.get('name') ?? ''] : undefined;
    res.writeHead(200, { 'content-type': 'application/dns-json' }).end(JSON.stringify({ Status: 0, Answer: a ? [{ type: 1, data: a }] : [] }));
  });
  await listen(server, port);
  return { url: `http://127.0.0.1:${port}/dns-query`, close: () => closeServer(server) };
}

/** Polls `read` until `done` holds of its value (no fixed sleeps); throws with the last value after `timeoutMs`. */
export async function until<T>(read: () => Promise<T> | T, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  let last = await read();
  for (const end = Date.now() + timeoutMs; !done(last); last = await read()) {
    if (Date.now() > end) throw new Error(`timed out; last value: ${JSON.stringify(last).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}
