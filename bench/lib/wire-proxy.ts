import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { CommandCounter, WireMessageSplitter } from './wire-counter';

/**
 * A TCP proxy in front of the database that counts the MongoDB requests going through it. One
 * proxy per measured process, so each has its own counter; all of them forward to the same
 * database server. Replies are forwarded untouched.
 */
export class CountingProxy {
  readonly counter = new CommandCounter();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  /** The first framing error, if the stream ever stopped looking like MongoDB. */
  error?: Error;

  constructor(
    private readonly upstreamPort: number,
    private readonly upstreamHost = '127.0.0.1',
  ) {}

  async listen(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    return address.port;
  }

  private accept(client: Socket): void {
    const upstream = createConnection({ port: this.upstreamPort, host: this.upstreamHost });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.sockets.add(client).add(upstream);
    const splitter = new WireMessageSplitter();
    let counting = true;
    client.on('data', (chunk: Buffer) => {
      if (!counting) return;
      try {
        for (const message of splitter.push(chunk)) this.counter.add(message);
      } catch (error) {
        counting = false;
        this.error ??= error instanceof Error ? error : new Error(String(error));
      }
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
