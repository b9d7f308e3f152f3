/**
 * Clients that hold connections without finishing a request: headers trickled a byte a second,
 * or nothing sent at all, are cut after about REQUEST_TIMEOUT_SECONDS (Node's own header timeout
 * was 60 s, checked every 30 s: a connection held ~82 s), and connections past MAX_CONNECTIONS
 * are refused while those below it are served. Run against the app listening on a real port,
 * built as main.ts builds it (httpAdapter, configureApp), over raw TCP sockets.
 */
import dns from 'node:dns';
import { connect, type Socket } from 'node:net';
import { AppConfig } from '../../../src/config/app-config';
import { freePort, waitFor } from '../../support/processes';
import {
  type ListeningApp,
  createTestApp,
  listenOnFreePort,
  startListeningApp,
} from '../../support/test-app';

/** A raw connection to the app: the test decides every byte sent, and sees every byte back. */
class RawConnection {
  received = '';
  /** When the server closed (or reset) the connection; undefined while it is open. */
  closedAt: number | undefined;
  readonly openedAt = Date.now();
  readonly socket: Socket;
  readonly connected: Promise<void>;

  constructor(port: number, host = '127.0.0.1') {
    this.socket = connect(port, host);
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => (this.received += chunk));
    const closed = () => (this.closedAt ??= Date.now());
    this.socket.on('end', closed);
    this.socket.on('close', closed);
    this.socket.on('error', closed);
    this.connected = new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  /** Waits at most `ms` for the server to close the connection: whether it did. */
  async closedWithin(ms: number): Promise<boolean> {
    await waitFor(
      () => Promise.resolve(this.closedAt),
      (at) => at !== undefined,
      ms,
    );
    return this.closedAt !== undefined;
  }

  /** The status of the first answer, once its status line is in (undefined: none in `ms`). */
  async status(ms: number): Promise<number | undefined> {
    const line = await waitFor(
      () => Promise.resolve(/^HTTP\/1\.1 (\d{3}) /.exec(this.received)),
      (match) => match !== null || this.closedAt !== undefined,
      ms,
    );
    return line ? Number(line[1]) : undefined;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

const REQUEST_HEAD = 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n';

describe('REQUEST_TIMEOUT_SECONDS bounds how long a client may take to send its request', () => {
  let listening: ListeningApp;
  let port: number;
  const connections: RawConnection[] = [];
  let trickle: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    listening = await startListeningApp({ REQUEST_TIMEOUT_SECONDS: '2' });
    port = Number(new URL(listening.issuer).port);
  });
  afterEach(() => {
    clearInterval(trickle);
    connections.splice(0).forEach((connection) => connection.destroy());
  });
  afterAll(() => listening.t.close());

  const open = () => {
    const connection = new RawConnection(port);
    connections.push(connection);
    return connection;
  };

  it('sets the server’s header, request and keep-alive timeouts from it', () => {
    const server = listening.t.app.getHttpServer();
    expect({
      headersTimeout: server.headersTimeout,
      requestTimeout: server.requestTimeout,
      keepAliveTimeout: server.keepAliveTimeout,
    }).toEqual({ headersTimeout: 2000, requestTimeout: 2000, keepAliveTimeout: 2000 });
  });

  it('cuts a client trickling its headers a byte a second after about 2 s, with a 408', async () => {
    const slow = open();
    await slow.connected;
    slow.socket.write(REQUEST_HEAD);
    trickle = setInterval(() => slow.socket.write('X'), 1000);

    // Node checks its timeouts every second here: cut between 2 and 3 s, 8 s allowed.
    expect(await slow.closedWithin(8000)).toBe(true);
    expect(slow.closedAt! - slow.openedAt).toBeGreaterThanOrEqual(1500);
    expect(slow.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(slow.received).toContain(
      '{"error":"invalid_request","error_description":"The request took too long to arrive"}',
    );
  });

  it('cuts a connection that sends nothing, and one whose body never comes', async () => {
    const silent = open();
    const bodiless = open();
    await Promise.all([silent.connected, bodiless.connected]);
    bodiless.socket.write(
      'POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ngrant',
    );

    expect(await silent.closedWithin(8000)).toBe(true);
    expect(await bodiless.closedWithin(8000)).toBe(true);
  });

  it('still serves a client that sends its request in time', async () => {
    const client = open();
    await client.connected;
    client.socket.write(`${REQUEST_HEAD}\r\n`);
    expect(await client.status(5000)).toBe(200);
  });
});

describe('MAX_CONNECTIONS caps the connections an instance holds open', () => {
  let listening: ListeningApp;
  let port: number;
  const connections: RawConnection[] = [];

  beforeAll(async () => {
    listening = await startListeningApp({ MAX_CONNECTIONS: '3' });
    port = Number(new URL(listening.issuer).port);
  });
  afterEach(() => connections.splice(0).forEach((connection) => connection.destroy()));
  afterAll(() => listening.t.close());

  const open = async () => {
    const connection = new RawConnection(port);
    connections.push(connection);
    await connection.connected;
    return connection;
  };

  it('serves requests below the cap and refuses the connection past it, until one closes', async () => {
    const [first] = [await open(), await open()];
    const third = await open();
    third.socket.write(`${REQUEST_HEAD}\r\n`);
    expect(await third.status(5000)).toBe(200);

    const fourth = await open();
    fourth.socket.write(`${REQUEST_HEAD}\r\n`);
    expect(await fourth.closedWithin(5000)).toBe(true);
    expect(fourth.received).toBe('');

    first.destroy();
    const server = listening.t.app.getHttpServer();
    const held = () =>
      new Promise<number>((resolve, reject) =>
        server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      );
    expect(await waitFor(held, (count) => count < 3, 5000)).toBe(2);
    const fifth = await open();
    fifth.socket.write(`${REQUEST_HEAD}\r\n`);
    expect(await fifth.status(5000)).toBe(200);
  });

  it('counts every connection the instance accepts, at every address of HOST=localhost', async () => {
    // `localhost` as /etc/hosts names it on many machines, at two addresses (here 127.0.0.1 and
    // 127.0.0.2, both loopback on Linux, for ::1 may be absent): Fastify, given HOST=localhost,
    // looks up every address and listens at each.
    const addresses = [
      { address: '127.0.0.1', family: 4 },
      { address: '127.0.0.2', family: 4 },
    ];
    const realLookup = dns.lookup.bind(dns) as (...args: unknown[]) => void;
    const lookup = jest
      .spyOn(dns, 'lookup')
      .mockImplementation(
        (host: string, options: unknown, callback?: (...args: unknown[]) => void) => {
          const all = typeof options === 'object' && (options as { all?: boolean } | null)?.all;
          if (host !== 'localhost' || !all) return realLookup(host, options, callback);
          process.nextTick(callback!, null, addresses);
        },
      );
    const t = await createTestApp({ MAX_CONNECTIONS: '3' });
    let own = 0;
    const refused: string[] = [];
    const at = async (host: string) => {
      const connection = new RawConnection(own, host);
      connections.push(connection);
      connection.socket.once('error', () => refused.push(host));
      await Promise.race([connection.connected, connection.closedWithin(5000)]);
      return connection;
    };
    try {
      own = await listenOnFreePort(t, freePort, 'localhost');
      for (let i = 0; i < 3; i += 1) await at('127.0.0.1');
      // A fourth connection is never served, at either address: refused, or closed unread.
      for (const host of ['127.0.0.2', '127.0.0.1']) {
        const past = await at(host);
        if (!refused.includes(host)) {
          past.socket.write(`${REQUEST_HEAD}\r\n`);
          expect(await past.closedWithin(5000)).toBe(true);
        }
        expect(past.received).toBe('');
      }
    } finally {
      lookup.mockRestore();
      connections.splice(0).forEach((connection) => connection.destroy());
      await t.close();
    }
  });

  it('MAX_CONNECTIONS: 1000 by default, at least 1, anything else stops the start', () => {
    const env = { MONGODB_URI: process.env.MONGODB_URI };
    expect(AppConfig.fromEnv(env).server.maxConnections).toBe(1000);
    expect(AppConfig.fromEnv({ ...env, MAX_CONNECTIONS: '3' }).server.maxConnections).toBe(3);
    for (const value of ['0', '-1', 'many', '2.5']) {
      expect(() => AppConfig.fromEnv({ ...env, MAX_CONNECTIONS: value })).toThrow(
        /MAX_CONNECTIONS/,
      );
    }
  });
});
