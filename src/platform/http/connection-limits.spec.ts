import type { Server } from 'node:http';
import { type AddressInfo, type Socket, connect } from 'node:net';
import { connectionLimits, limitedServer } from './connection-limits';

describe('connectionLimits', () => {
  it('gives a client REQUEST_TIMEOUT_SECONDS for its headers and its whole request', () => {
    expect(connectionLimits({ requestTimeoutSeconds: 30, maxConnections: 1000 })).toEqual({
      headersTimeoutMs: 30_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      timeoutCheckIntervalMs: 1000,
      maxConnections: 1000,
    });
  });

  it('keeps an idle connection no longer than a request may take to arrive', () => {
    expect(
      connectionLimits({ requestTimeoutSeconds: 2, maxConnections: 3 }).keepAliveTimeoutMs,
    ).toBe(2000);
  });
});

describe('limitedServer', () => {
  const limits = connectionLimits({ requestTimeoutSeconds: 5, maxConnections: 2 });
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    sockets.splice(0).forEach((socket) => socket.destroy());
    await Promise.all(
      servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
    );
  });

  const listening = async (make: ReturnType<typeof limitedServer>) => {
    const server = make((_request, response) => response.end('ok'));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  /** A connection's first answer to a GET, or `closed` when it is closed unanswered. */
  const answer = (port: number) =>
    new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      let received = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        received += chunk;
        if (received.includes('ok')) resolve(received.split('\r\n')[0]);
      });
      socket.on('close', () => resolve(received === '' ? 'closed' : received));
      socket.on('error', () => undefined);
      socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    });

  it('counts the connections of every server it makes against one MAX_CONNECTIONS', async () => {
    // Two servers of one factory, as Fastify would make for a second address of HOST=localhost.
    const make = limitedServer(limits);
    const [first, second] = [await listening(make), await listening(make)];
    expect(await answer(first)).toBe('HTTP/1.1 200 OK');
    expect(await answer(second)).toBe('HTTP/1.1 200 OK');
    // Each server holds one connection, below its own cap: the third is past the instance's.
    expect(await answer(second)).toBe('closed');
    expect(await answer(first)).toBe('closed');
    // Once one closes, a connection is served again.
    sockets[0].destroy();
    await new Promise((resolve) => sockets[0].once('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await answer(second)).toBe('HTTP/1.1 200 OK');
  });

  it('gives each factory (each instance) a count of its own', async () => {
    const [one, other] = [
      await listening(limitedServer(limits)),
      await listening(limitedServer(limits)),
    ];
    for (const port of [one, one, other, other]) expect(await answer(port)).toBe('HTTP/1.1 200 OK');
    expect(await answer(other)).toBe('closed');
  });
});
