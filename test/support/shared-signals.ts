/**
 * What the Shared Signals specs (test/e2e/signals) share: the receiver clients' entries and
 * tokens, the event URIs, a loopback push endpoint, and a receiver's calls of the stream API with
 * each SET verified with jose against the JWKS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { basic } from './oauth';
import type { TestApp } from './test-app';

export const PUSH = 'urn:ietf:rfc:8935';
export const POLL = 'urn:ietf:rfc:8936';
export const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
export const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

export interface ReceiverClient {
  readonly id: string;
  readonly secret: string;
}

/** The OAUTH_CLIENTS entry of a receiver client the operator marked. */
export function receiverEntry(client: ReceiverClient) {
  return {
    client_id: client.id,
    client_secret: client.secret,
    grant_types: ['client_credentials'],
    ssf_receiver: true,
  };
}

/** A receiver's token for the stream management API. */
export async function ssfTokenOf(t: TestApp, client: ReceiverClient): Promise<string> {
  const response = await t
    .http()
    .post('/token')
    .type('form')
    .set('Authorization', basic(client.id, client.secret))
    .send({ grant_type: 'client_credentials', scope: 'ssf' });
  expect(response.status).toBe(200);
  return (response.body as { access_token: string }).access_token;
}

/** A SET verified with jose against the service's JWKS (issuer, `typ` secevent+jwt). */
export async function verifiedSet(t: TestApp, set: string): Promise<JWTPayload> {
  const jwks = (await t.http().get('/jwks.json').expect(200)).body as Parameters<
    typeof createLocalJWKSet
  >[0];
  expect(decodeProtectedHeader(set)).toMatchObject({ alg: 'RS256', typ: 'secevent+jwt' });
  const { payload } = await jwtVerify(set, createLocalJWKSet(jwks), {
    issuer: t.config.server.issuer,
    typ: 'secevent+jwt',
    algorithms: ['RS256'],
  });
  return payload;
}

/** One SET as a receiver reads it: its claims, and its one event's URI and body. */
export interface ReceivedSet {
  readonly payload: JWTPayload;
  readonly event: string;
  readonly body: Record<string, unknown>;
}

async function receivedSet(t: TestApp, set: string): Promise<ReceivedSet> {
  const payload = await verifiedSet(t, set);
  const [[event, body]] = Object.entries(payload.events as Record<string, Record<string, unknown>>);
  return { payload, event, body };
}

/** A receiver's calls of the stream API with its `ssf` token. */
export class SignalsReceiver {
  private constructor(
    private readonly t: TestApp,
    readonly token: string,
  ) {}

  static async of(t: TestApp, client: ReceiverClient): Promise<SignalsReceiver> {
    return new SignalsReceiver(t, await ssfTokenOf(t, client));
  }

  get auth() {
    return { Authorization: `Bearer ${this.token}` };
  }

  /** A new stream (201), its stream_id. */
  async createStream(body: Record<string, unknown>): Promise<string> {
    const response = await this.t.http().post('/ssf/streams').set(this.auth).send(body);
    expect(response.status).toBe(201);
    return (response.body as { stream_id: string }).stream_id;
  }

  async deleteStream(streamId: string): Promise<void> {
    await this.t
      .http()
      .delete('/ssf/streams')
      .query({ stream_id: streamId })
      .set(this.auth)
      .expect(204);
  }

  /** One poll (RFC 8936) returning at once; `ack` and the rest as given. */
  async poll(streamId: string, body: Record<string, unknown> = {}) {
    const response = await this.t
      .http()
      .post(`/ssf/poll/${streamId}`)
      .set(this.auth)
      .send({ returnImmediately: true, ...body });
    expect(response.status).toBe(200);
    return response.body as { sets: Record<string, string>; moreAvailable: boolean };
  }

  /** The SETs waiting on the stream, verified, then acknowledged (gone from the next poll). */
  async take(streamId: string): Promise<ReceivedSet[]> {
    const { sets } = await this.poll(streamId);
    const received = await Promise.all(Object.values(sets).map((set) => receivedSet(this.t, set)));
    if (received.length > 0) await this.poll(streamId, { ack: Object.keys(sets), maxEvents: 0 });
    return received;
  }
}

/** A receiver's push endpoint on loopback: records each SET; answers 503 while `down`. */
export class SetReceiver {
  readonly received: { set: string; contentType?: string; authorization?: string }[] = [];
  down = false;
  url = '';
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (this.down) {
        res.writeHead(503).end();
        return;
      }
      this.received.push({
        set: Buffer.concat(chunks).toString('utf8'),
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
      });
      res.writeHead(202).end();
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/events`;
  }

  /** Stops listening, its open connections cut: a push is then refused (ECONNREFUSED). */
  async refuse(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Listens again at the same URL after `refuse`. */
  async resume(): Promise<void> {
    const port = Number(new URL(this.url).port);
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
  }

  async waitFor(count: number, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`${this.received.length} SETs, ${count} expected`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
