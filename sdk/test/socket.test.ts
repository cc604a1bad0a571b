/**
 * The API sends a run's history the moment it accepts the event socket, so a burst of messages can arrive with the
 * handshake: openSocket must hand over every one, in order, then the close (ADR 0052). A real WebSocket server
 * sends 20 messages on accepting; the key header must reach it.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openSocket, type SocketMessage } from '../src/socket.ts';

const SENT = Array.from({ length: 20 }, (_, i) => String(i + 1));

describe('openSocket', () => {
  let server: Server;
  let url: string;
  const auth: string[] = [];
  beforeAll(async () => {
    server = createServer();
    new WebSocketServer({ server }).on('connection', (ws, req) => {
      auth.push(req.headers.authorization ?? '');
      for (const m of SENT) ws.send(m);
      ws.close(1000);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it('keeps every message sent on accepting, in order, then the close; the key goes as a header', async () => {
    for (let k = 0; k < 5; k++) {
      const socket = await openSocket(url, { headers: { authorization: 'Bearer k' }, protocols: [] }, fetch);
      const got: SocketMessage[] = [];
      for (let m = await socket.next(); ; m = await socket.next()) { got.push(m); if (m.kind === 'closed') break; }
      expect(got).toEqual([...SENT.map((data) => ({ kind: 'message', data })), { kind: 'closed', code: 1000 }]);
    }
    expect(auth).toEqual(Array.from({ length: 5 }, () => 'Bearer k'));
  });
});
