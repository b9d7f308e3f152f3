/**
 * SIGTERM, as an orchestrator stops an instance: requests under way are answered, every
 * connection is closed after its current answer (`Connection: close`), readiness says 503, no
 * new connection is accepted, and the process exits by itself: not when the orchestrator's
 * patience ends. Run against the built service, as users run it.
 */
import { type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { sharedBuild, startBuiltService } from '../../support/build';
import { exitOf, waitFor } from '../../support/processes';

let DIST = '';

interface Instance {
  child: ChildProcess;
  port: number;
  output: () => string;
}

const started: ChildProcess[] = [];

function start(graceSeconds: number): Promise<Instance> {
  return startBuiltService(DIST, { SHUTDOWN_GRACE_SECONDS: String(graceSeconds) }, (child) =>
    started.push(child),
  );
}

/** A raw keep-alive connection, so a test decides when each byte of a request is sent. */
class RawConnection {
  private received = '';
  private ended = false;
  private readonly socket: Socket;
  readonly open: Promise<void>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => (this.received += chunk));
    this.socket.on('end', () => (this.ended = true));
    this.socket.on('close', () => (this.ended = true));
    this.socket.on('error', () => (this.ended = true));
    this.open = new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** The next complete answer (headers and a Content-Length body) on this connection. */
  async answer(): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const parsed = await waitFor(
      () => Promise.resolve(parse(this.received)),
      (value) => value !== undefined || this.ended,
      20_000,
    );
    if (!parsed) throw new Error(`no complete answer: ${JSON.stringify(this.received)}`);
    this.received = this.received.slice(parsed.length);
    return parsed.answer;
  }

  async closedByServer(): Promise<boolean> {
    return waitFor(
      () => Promise.resolve(this.ended),
      (ended) => ended,
      10_000,
    );
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function parse(text: string) {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  if (text.length < headEnd + 4 + length) return undefined;
  const body = text.slice(headEnd + 4, headEnd + 4 + length);
  return {
    length: headEnd + 4 + length,
    answer: { status: Number(statusLine.split(' ')[1]), headers, body },
  };
}

const TOKEN_BODY = 'grant_type=urn%3Aexample%3Anone';
const tokenHead = (port: number) =>
  `POST /token HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
  `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${TOKEN_BODY.length}\r\n\r\n`;

/**
 * Requests on keep-alive connections, back to back, until the server stops answering. A request
 * written to a pooled connection just as the server closes it for being idle fails with
 * ECONNRESET (the keep-alive race every HTTP client meets; the server never read that request):
 * it is sent again, as clients do.
 */
async function busyLoop(port: number, agent: Agent) {
  const seen = { answers: 0, resets: 0, errors: [] as string[] };
  for (;;) {
    const outcome = await new Promise<string | undefined>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/health/ready', agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(undefined));
      });
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end();
    });
    if (outcome === 'ECONNRESET' && seen.resets < 3) {
      seen.resets += 1;
      continue;
    }
    if (typeof outcome === 'string') {
      seen.errors.push(outcome);
      return seen;
    }
    seen.answers += 1;
  }
}

describe('SIGTERM drains the instance, then it exits', () => {
  jest.setTimeout(180_000);
  beforeAll(async () => {
    DIST = await sharedBuild();
  }, 120_000);
  // A failed expectation must not leave an instance running.
  afterEach(() =>
    started.splice(0).forEach((child) => child.exitCode === null && child.kill('SIGKILL')),
  );

  it('answers what is under way, closes every connection after it, and exits well within the grace period', async () => {
    const instance = await start(60);
    const { port, child } = instance;
    // A request under way at the signal: its headers are in, its body is not.
    const slow = new RawConnection(port);
    await slow.open;
    slow.send(tokenHead(port));
    // Clients that never leave a connection idle: the load an instance is stopped under.
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const loops = Promise.all([0, 1, 2, 3].map(() => busyLoop(port, agent)));
    await new Promise((resolve) => setTimeout(resolve, 500));

    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const exited = exitOf(child);
    await new Promise((resolve) => setTimeout(resolve, 300));

    // A new connection is refused at once.
    const refused = await new Promise<string>((resolve) => {
      const probe = connect(port, '127.0.0.1');
      probe.on('connect', () => {
        probe.destroy();
        resolve('connected');
      });
      probe.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');

    // The request under way is answered in full (the token endpoint's own verdict).
    slow.send(TOKEN_BODY);
    const first = await slow.answer();
    // No client authentication: the endpoint's verdict, in full.
    expect(first.status).toBe(401);
    expect(JSON.parse(first.body)).toMatchObject({ error: 'invalid_client' });
    // One more request on that connection: readiness says the instance is going, and the
    // connection is closed after the answer.
    slow.send(`GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    const ready = await slow.answer();
    expect(ready.status).toBe(503);
    expect(ready.headers.connection).toBe('close');
    expect(JSON.parse(ready.body)).toMatchObject({
      error: 'temporarily_unavailable',
      error_description: 'The instance is shutting down',
    });
    expect(await slow.closedByServer()).toBe(true);

    // The busy clients (each request waits on a database ping) were each closed, after an answer
    // or while idle, then found nobody listening.
    const seen = await loops;
    agent.destroy();
    for (const loop of seen) {
      expect(loop.answers).toBeGreaterThan(0);
      expect(loop.errors).toEqual(['ECONNREFUSED']);
    }

    expect(await exited).toBe(0);
    // Drained by itself: far from the 60 s grace period.
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(instance.output()).toContain('SIGTERM: draining connections');
    expect(instance.output()).not.toContain('cut at the end of the grace period');
  });

  it('cuts what is still open when the grace period ends, and exits', async () => {
    const instance = await start(1);
    const stuck = new RawConnection(instance.port);
    await stuck.open;
    stuck.send(tokenHead(instance.port)); // and never the body
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalledAt = Date.now();
    instance.child.kill('SIGTERM');
    expect(await exitOf(instance.child)).toBe(0);
    const took = Date.now() - signalledAt;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(12_000);
    expect(await stuck.closedByServer()).toBe(true);
    expect(instance.output()).toContain('the last ones cut at the end of the grace period');
    stuck.destroy();
  });
});
