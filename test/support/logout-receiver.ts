import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';

/** One POST a relying party's back-channel logout endpoint received. */
export interface ReceivedLogout {
  readonly contentType: string | undefined;
  /** The form's `logout_token`. */
  readonly logoutToken: string | undefined;
  /** The form's field names, in order. */
  readonly fields: readonly string[];
  /** The status this receiver answered. */
  readonly status: number;
}

/**
 * A relying party's back-channel logout endpoint on loopback, in the test process (OpenID Connect
 * Back-Channel Logout 1.0 §2.5): records every POST; answers 500 to the next `failNext` of them,
 * else 200.
 */
export class LogoutReceiver {
  readonly received: ReceivedLogout[] = [];
  failNext = 0;
  /** How long each answer waits (a slow relying party). */
  delayMs = 0;
  private waiters: Array<() => void> = [];

  private readonly server: Server;
  url = '';

  private constructor(private readonly path: string) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const failing = this.failNext > 0;
        if (failing) this.failNext--;
        const status = req.method === 'POST' && req.url === this.path && !failing ? 200 : 500;
        this.received.push({
          contentType: req.headers['content-type'],
          logoutToken: form.get('logout_token') ?? undefined,
          fields: [...form.keys()],
          status,
        });
        setTimeout(() => {
          res.writeHead(status, { 'cache-control': 'no-store' }).end();
          for (const wake of this.waiters.splice(0)) wake();
        }, this.delayMs);
      });
    });
  }

  static async start(path = '/backchannel-logout'): Promise<LogoutReceiver> {
    const receiver = new LogoutReceiver(path);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.server.address() as AddressInfo;
    receiver.url = `http://127.0.0.1:${port}${path}`;
    return receiver;
  }

  /** The received POSTs once there are at least `count` (fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedLogout[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${this.received.length} logout POST(s) received, ${count} expected`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Forgets what was received (between tests). */
  reset(): void {
    this.received.length = 0;
    this.failNext = 0;
    this.delayMs = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A relying party's back-channel logout endpoint that accepts the connection and never answers (a
 * tarpit): it reads nothing, writes nothing, and holds each connection until the client gives up
 * or `close` ends it. Counts the connections it holds at once.
 */
export class HangingReceiver {
  private readonly sockets = new Set<Socket>();
  /** The most connections open at once. */
  maxOpen = 0;
  private waiters: Array<() => void> = [];
  private readonly server: NetServer;
  url = '';

  private constructor() {
    this.server = createNetServer((socket) => {
      this.sockets.add(socket);
      this.maxOpen = Math.max(this.maxOpen, this.sockets.size);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Listens on `address` (any of 127/8 is loopback); URLs of it end in `path`. */
  static async start(
    address = '127.0.0.1',
    path = '/backchannel-logout',
  ): Promise<HangingReceiver> {
    const receiver = new HangingReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, address, resolve));
    const { port } = receiver.server.address() as AddressInfo;
    receiver.url = `http://${address}:${port}${path}`;
    return receiver;
  }

  /** Connections open now. */
  get open(): number {
    return this.sockets.size;
  }

  /** Resolves once a connection was accepted (fails after `timeoutMs`). */
  async waitForConnection(timeoutMs = 10_000): Promise<void> {
    if (this.sockets.size > 0) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no connection to the tarpit')), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Ends every connection held, and stops listening. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * One logout delivery, as the outbox hands it to LogoutDeliverySender: for a spec that sends one
 * straight to `uri`, due now and worth trying for a minute.
 */
export function logoutDelivery(uri: string, clientId: string) {
  const now = new Date();
  return {
    deliveryId: randomUUID(),
    clientId,
    uri,
    sub: 'user-1',
    sid: 'sid-1',
    createdAt: now,
    giveUpAt: new Date(now.getTime() + 60_000),
    attempts: 1,
  };
}
