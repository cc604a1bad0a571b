import { connect, isIPv6, type Socket } from 'node:net';
import { SocksClient } from 'socks';
import type { TaskUpstream } from '@trawl/schemas';

/** An address already checked by the egress rules, and its port. */
export interface Hop { address: string; port: number }

/** An upstream proxy that could not be used: the reason names the proxy's id, never its credentials. */
export class UpstreamFailure extends Error {
  override name = 'UpstreamFailure';
}

const MAX_HEAD = 16 * 1024;

export const authority = (hop: Hop): string => `${isIPv6(hop.address) ? `[${hop.address}]` : hop.address}:${hop.port}`;

/** Basic credentials for an HTTP upstream's Proxy-Authorization, when it has some. */
export function basicAuth(up: TaskUpstream): string | undefined {
  return up.username ? `Basic ${Buffer.from(`${up.username}:${up.password ?? ''}`).toString('base64')}` : undefined;
}

/** A TCP connection to `hop`, resolved once it is connected (rejected on error or after `timeoutMs`). */
export function connectTo(hop: Hop, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: hop.address, port: hop.port });
    const timer = setTimeout(() => fail(new Error('connection timed out')), timeoutMs);
    const fail = (e: Error): void => {
      clearTimeout(timer);
      s.destroy();
      reject(e);
    };
    s.once('error', fail);
    s.once('connect', () => {
      clearTimeout(timer);
      s.off('error', fail);
      resolve(s);
    });
  });
}

/**
 * A byte pipe to `target` through the upstream at `via` (its checked address). The upstream is only ever given the
 * target's checked address, never a name, so it cannot resolve one to a private address (ADR 0035).
 */
export async function tunnelVia(up: TaskUpstream, via: Hop, target: Hop, timeoutMs: number): Promise<Socket> {
  if (up.scheme === 'socks5') {
    try {
      const { socket } = await SocksClient.createConnection({
        command: 'connect', timeout: timeoutMs, destination: { host: target.address, port: target.port },
        proxy: { host: via.address, port: via.port, type: 5, ...(up.username ? { userId: up.username, password: up.password ?? '' } : {}) },
      });
      return socket;
    } catch (e) {
      throw new UpstreamFailure(`SOCKS5 proxy ${up.id}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 300));
    }
  }
  const socket = await connectTo(via, timeoutMs).catch((e: unknown) => {
    throw new UpstreamFailure(`proxy ${up.id} could not be reached: ${e instanceof Error ? e.message : String(e)}`);
  });
  const auth = basicAuth(up);
  socket.write(`CONNECT ${authority(target)} HTTP/1.1\r\nHost: ${authority(target)}\r\n${auth ? `Proxy-Authorization: ${auth}\r\n` : ''}\r\n`);
  const status = await answerStatus(socket, timeoutMs).catch((e: unknown) => {
    socket.destroy();
    throw new UpstreamFailure(`proxy ${up.id}: ${e instanceof Error ? e.message : String(e)}`);
  });
  if (status < 200 || status > 299) {
    socket.destroy();
    throw new UpstreamFailure(`proxy ${up.id} answered CONNECT with HTTP ${status}`);
  }
  return socket;
}

/** Reads an HTTP answer's head off `socket`; whatever follows it is put back for the tunnel's user. */
function answerStatus(socket: Socket, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const timer = setTimeout(() => done(new Error('no answer to CONNECT in time')), timeoutMs);
    const done = (e: Error | null, status = 0): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (e) reject(e);
      else resolve(status);
    };
    const onError = (e: Error): void => done(e);
    const onClose = (): void => done(new Error('closed the connection before answering CONNECT'));
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD) done(new Error('answered CONNECT with an oversized head'));
        return;
      }
      socket.pause();
      const rest = head.subarray(end + 4);
      if (rest.length) socket.unshift(rest);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'));
      done(m ? null : new Error('answered CONNECT with something that is not HTTP'), Number(m?.[1] ?? 0));
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}
