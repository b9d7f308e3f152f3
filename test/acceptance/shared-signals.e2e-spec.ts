/**
 * Issue #80, the Shared Signals transmitter, accepted from outside: written from the issue's
 * "Details receivers will rely on" and docs/SHARED-SIGNALS.md, never from src/. Two receiver
 * clients the operator marked (`ssf_receiver` in OAUTH_CLIENTS, service.ts) get their `ssf` tokens
 * by `client_credentials` with oauth4webapi; a client without the mark and one that registered
 * itself are refused the scope. A receiver reads the metadata (SSF 1.0 §7), creates, reads,
 * lists, updates, replaces and deletes its streams, reads and changes their status, adds and
 * removes subjects (RFC 9493), asks for a verification SET with its `state`, and polls (RFC 8936:
 * `maxEvents`, `moreAvailable`, `ack`, `setErrs`, a long poll) or takes pushes (RFC 8935) on a
 * loopback endpoint of its own; each SET is verified with jose against the `jwks_uri` the metadata
 * names (`typ` secevent+jwt, `iss`, `aud`, `sub_id`, one event) and carries no secret. The causes
 * are an operator's, through the admin API (a lock-down and its lift of a person signed in with a
 * password). The other receiver can neither read nor change the first one's streams.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { waitFor } from '../support/processes';
import {
  AdminApi,
  type Answer,
  adminTokenOf,
  basic,
  clientCredentialsToken,
  expectRefusal,
  type Json,
  read,
  selfRegister,
} from './admin-client';
import { passwordBrowser } from './people';
import { type SecretClient, useAcceptanceService } from './service';

const service = useAcceptanceService();

const PUSH = 'urn:ietf:rfc:8935';
const POLL = 'urn:ietf:rfc:8936';
const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const SSF = 'https://schemas.openid.net/secevent/ssf/event-type/';
const LOCK_DOWN = [`${CAEP}session-revoked`, `${RISC}account-disabled`, `${RISC}account-enabled`];

/** Every secret this file made or handed over: none may show up in a SET. */
const confidential: string[] = [];

/** The metadata at /.well-known/ssf-configuration, read once. */
let metadata: Json;

/** One receiver's calls of the stream API, with a fresh `ssf` token (oauth4webapi). */
class Receiver {
  private constructor(
    readonly client: SecretClient,
    private readonly token: string,
  ) {}

  static async of(client: SecretClient): Promise<Receiver> {
    const token = await clientCredentialsToken(
      service().issuer,
      client.clientId,
      oauth.ClientSecretBasic(client.secret),
      'ssf',
    );
    confidential.push(token);
    return new Receiver(client, token);
  }

  async call(method: string, url: string, body?: unknown): Promise<Answer> {
    return read(
      await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
  }

  endpoint(name: string): string {
    return metadata[name] as string;
  }

  async create(body: Json): Promise<Json> {
    const created = await this.call('POST', this.endpoint('configuration_endpoint'), body);
    expect(created.status).toBe(201);
    return created.body;
  }

  stream(streamId: string): Promise<Answer> {
    return this.call(
      'GET',
      `${this.endpoint('configuration_endpoint')}?stream_id=${encodeURIComponent(streamId)}`,
    );
  }

  async remove(streamId: string): Promise<void> {
    const url = `${this.endpoint('configuration_endpoint')}?stream_id=${encodeURIComponent(streamId)}`;
    expect((await this.call('DELETE', url)).status).toBe(204);
  }

  /** A poll of the stream's poll endpoint (its `delivery.endpoint_url`). */
  async poll(
    pollUrl: string,
    body: Json,
  ): Promise<{ sets: Record<string, string>; more: boolean }> {
    const answer = await this.call('POST', pollUrl, body);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['moreAvailable', 'sets']);
    return {
      sets: answer.body.sets as Record<string, string>,
      more: answer.body.moreAvailable as boolean,
    };
  }
}

/** A SET verified as a receiver does: jose, the metadata's jwks_uri, `typ` secevent+jwt. */
async function verified(set: string, audience: string): Promise<Json> {
  expect(decodeProtectedHeader(set).typ).toBe('secevent+jwt');
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri as string));
  const { payload } = await jwtVerify(set, jwks, {
    issuer: service().issuer,
    audience,
    typ: 'secevent+jwt',
  });
  for (const secret of confidential) expect(set).not.toContain(secret);
  for (const secret of confidential) expect(JSON.stringify(payload)).not.toContain(secret);
  const events = payload.events as Record<string, Json>;
  expect(Object.keys(events)).toHaveLength(1);
  expect(typeof payload.jti).toBe('string');
  expect(typeof payload.iat).toBe('number');
  return payload;
}

const eventOf = (payload: Json) => Object.keys(payload.events as Json)[0];

/** A person the operator made, signed in with a password (a session to end), and its subject. */
async function person(admin: AdminApi): Promise<{ username: string; sub: string }> {
  const username = `ssf-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  confidential.push(password);
  const created = await admin.call('POST', '/users', { body: { username, password } });
  expect(created.status).toBe(201);
  await passwordBrowser(service().issuer, username, password);
  return { username, sub: created.body.sub as string };
}

/** PATCH the user's status with the ETag just read (the admin API's If-Match). */
async function setStatus(admin: AdminApi, username: string, status: 'disabled' | 'active') {
  const current = await admin.get(`/users/${username}`);
  const changed = await admin.call('PATCH', `/users/${username}`, {
    body: { status },
    ifMatch: current.headers.get('etag') ?? '',
  });
  expect(changed.status).toBe(200);
}

let a: Receiver;
let b: Receiver;
let admin: AdminApi;
beforeAll(async () => {
  const [first, second] = service().machines.receivers;
  confidential.push(first.secret, second.secret);
  a = await Receiver.of(first);
  b = await Receiver.of(second);
  const adminToken = await adminTokenOf(service(), 'secret');
  confidential.push(adminToken);
  admin = new AdminApi(service().issuer, adminToken);
  metadata = (await read(await fetch(`${service().issuer}/.well-known/ssf-configuration`))).body;
});

describe('the transmitter metadata and the ssf scope', () => {
  it('publishes its configuration (SSF 1.0 §7): push and poll, the endpoints, OAuth 2.0', async () => {
    const { issuer } = service();
    expect(metadata).toMatchObject({
      spec_version: '1_0',
      issuer,
      delivery_methods_supported: expect.arrayContaining([PUSH, POLL]),
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: 'ALL',
    });
    for (const name of [
      'jwks_uri',
      'configuration_endpoint',
      'status_endpoint',
      'add_subject_endpoint',
      'remove_subject_endpoint',
      'verification_endpoint',
    ]) {
      expect(metadata[name] as string).toMatch(new RegExp(`^${issuer}/`));
    }
    const jwks = await read(await fetch(metadata.jwks_uri as string));
    expect(jwks.status).toBe(200);
    expect((jwks.body.keys as Json[]).length).toBeGreaterThan(0);
  });

  it('gives a marked receiver a token for <issuer>/ssf, and refuses the scope to any other client', async () => {
    const token = await clientCredentialsToken(
      service().issuer,
      a.client.clientId,
      oauth.ClientSecretBasic(a.client.secret),
      'ssf',
    );
    expect(decodeJwt(token)).toMatchObject({ aud: `${service().issuer}/ssf`, scope: 'ssf' });

    const selfMade = await selfRegister(service(), {
      client_name: 'Self-made receiver',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      ssf_receiver: true,
    });
    const others: SecretClient[] = [
      service().machines.unmarked,
      { clientId: selfMade.client_id as string, secret: selfMade.client_secret as string },
    ];
    for (const client of others) {
      const refused = await read(
        await fetch(`${service().issuer}/token`, {
          method: 'POST',
          headers: { authorization: basic(client.clientId, client.secret) },
          body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'ssf' }),
        }),
      );
      expectRefusal(refused, 400, 'invalid_scope');
    }
    // The stream API: no token, or a token of another audience, is 401.
    const noToken = await fetch(metadata.configuration_endpoint as string);
    expect(noToken.status).toBe(401);
    const api = await read(
      await fetch(`${service().issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: basic(
            service().machines.unmarked.clientId,
            service().machines.unmarked.secret,
          ),
        },
        body: new URLSearchParams({ grant_type: 'client_credentials' }),
      }),
    );
    expect(api.status).toBe(200);
    const otherAudience = await fetch(metadata.configuration_endpoint as string, {
      headers: { authorization: `Bearer ${api.body.access_token as string}` },
    });
    expect(otherAudience.status).toBe(401);
  });
});

describe('streams (SSF 1.0 §8)', () => {
  it('creates, reads, lists, updates, replaces and deletes a stream; its status and subjects', async () => {
    const created = await a.create({
      delivery: { method: POLL },
      events_requested: [`${RISC}account-disabled`, 'https://example.com/no-such-event'],
      description: 'acceptance',
    });
    const id = created.stream_id as string;
    expect(created).toMatchObject({
      iss: service().issuer,
      aud: a.client.clientId,
      events_delivered: [`${RISC}account-disabled`],
      description: 'acceptance',
      delivery: { method: POLL },
    });
    expect((created.delivery as Json).endpoint_url as string).toMatch(
      new RegExp(`^${service().issuer}/`),
    );
    expect(created.events_supported).toEqual(expect.arrayContaining(LOCK_DOWN));

    const readBack = await a.stream(id);
    expect(readBack.status).toBe(200);
    expect(readBack.body).toEqual(created);
    const listed = await a.call('GET', a.endpoint('configuration_endpoint'));
    expect((listed.body as unknown as Json[]).map((s) => s.stream_id)).toContain(id);

    const patched = await a.call('PATCH', a.endpoint('configuration_endpoint'), {
      stream_id: id,
      events_requested: LOCK_DOWN,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ events_delivered: LOCK_DOWN, description: 'acceptance' });
    const replaced = await a.call('PUT', a.endpoint('configuration_endpoint'), {
      stream_id: id,
      delivery: { method: POLL },
      events_requested: [`${RISC}account-enabled`],
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ events_delivered: [`${RISC}account-enabled`] });
    expect(replaced.body).not.toHaveProperty('description');

    // Status: enabled, then paused, then enabled again.
    const status = `${a.endpoint('status_endpoint')}?stream_id=${id}`;
    expect((await a.call('GET', status)).body).toMatchObject({ stream_id: id, status: 'enabled' });
    const paused = await a.call('POST', a.endpoint('status_endpoint'), {
      stream_id: id,
      status: 'paused',
    });
    expect(paused.status).toBe(200);
    expect((await a.call('GET', status)).body).toMatchObject({ status: 'paused' });
    await a.call('POST', a.endpoint('status_endpoint'), { stream_id: id, status: 'enabled' });

    // Subjects: an email address and an opaque id added, then removed; a malformed one refused.
    for (const subject of [
      { format: 'email', email: 'someone@example.com' },
      { format: 'opaque', id: 'someone' },
    ]) {
      const added = await a.call('POST', a.endpoint('add_subject_endpoint'), {
        stream_id: id,
        subject,
      });
      expect(added.status).toBe(200);
      const removed = await a.call('POST', a.endpoint('remove_subject_endpoint'), {
        stream_id: id,
        subject,
      });
      expect(removed.status).toBe(204);
    }
    expectRefusal(
      await a.call('POST', a.endpoint('add_subject_endpoint'), {
        stream_id: id,
        subject: { format: 'email' },
      }),
      400,
      'invalid_request',
    );
    expectRefusal(
      await a.call('POST', a.endpoint('configuration_endpoint'), {
        delivery: { method: PUSH },
      }),
      400,
      'invalid_request',
    );

    await a.remove(id);
    expectRefusal(await a.stream(id), 404, 'not_found');
  });

  it('keeps one receiver out of another one’s stream: every call is 404, as for none', async () => {
    const created = await a.create({ delivery: { method: POLL } });
    const id = created.stream_id as string;
    const pollUrl = (created.delivery as Json).endpoint_url as string;
    const config = b.endpoint('configuration_endpoint');
    const refusals = [
      await b.stream(id),
      await b.call('PATCH', config, { stream_id: id, description: 'mine now' }),
      await b.call('PUT', config, { stream_id: id, delivery: { method: POLL } }),
      await b.call('DELETE', `${config}?stream_id=${id}`),
      await b.call('GET', `${b.endpoint('status_endpoint')}?stream_id=${id}`),
      await b.call('POST', b.endpoint('status_endpoint'), { stream_id: id, status: 'disabled' }),
      await b.call('POST', b.endpoint('add_subject_endpoint'), {
        stream_id: id,
        subject: { format: 'opaque', id: 'x' },
      }),
      await b.call('POST', b.endpoint('remove_subject_endpoint'), {
        stream_id: id,
        subject: { format: 'opaque', id: 'x' },
      }),
      await b.call('POST', b.endpoint('verification_endpoint'), { stream_id: id }),
      await b.call('POST', pollUrl, { returnImmediately: true }),
    ];
    for (const refusal of refusals) expectRefusal(refusal, 404, 'not_found');
    const listed = await b.call('GET', config);
    expect((listed.body as unknown as Json[]).map((s) => s.stream_id)).not.toContain(id);
    // Untouched by all that.
    expect((await a.stream(id)).body).toEqual(created);
    await a.remove(id);
  });
});

describe('SETs', () => {
  it('sends a verification SET with the receiver’s state (SSF 1.0 §8.1.4), polled', async () => {
    const created = await a.create({ delivery: { method: POLL } });
    const id = created.stream_id as string;
    const pollUrl = (created.delivery as Json).endpoint_url as string;
    const state = randomBytes(12).toString('base64url');
    const asked = await a.call('POST', a.endpoint('verification_endpoint'), {
      stream_id: id,
      state,
    });
    expect(asked.status).toBe(204);
    const { sets } = await a.poll(pollUrl, { returnImmediately: true });
    const [set] = Object.values(sets);
    const payload = await verified(set, a.client.clientId);
    expect(payload.events).toEqual({ [`${SSF}verification`]: { state } });
    expect(payload.sub_id).toEqual({ format: 'opaque', id });
    await a.remove(id);
  });

  it('polls the SETs of a lock-down and its lift: maxEvents, moreAvailable, ack, setErrs, a long poll', async () => {
    const created = await a.create({ delivery: { method: POLL }, events_requested: LOCK_DOWN });
    const pollUrl = (created.delivery as Json).endpoint_url as string;
    const { username, sub } = await person(admin);
    await setStatus(admin, username, 'disabled');

    // Two SETs wait (the session ended, the account disabled): one at a time.
    const first = await a.poll(pollUrl, { returnImmediately: true, maxEvents: 1 });
    expect(Object.keys(first.sets)).toHaveLength(1);
    expect(first.more).toBe(true);
    const both = await a.poll(pollUrl, { returnImmediately: true });
    expect(both.more).toBe(false);
    const payloads = await Promise.all(
      Object.values(both.sets).map((set) => verified(set, a.client.clientId)),
    );
    expect(payloads.map(eventOf).sort()).toEqual(
      [`${CAEP}session-revoked`, `${RISC}account-disabled`].sort(),
    );
    for (const payload of payloads) {
      expect(payload.sub_id).toEqual({ format: 'iss_sub', iss: service().issuer, sub });
      const event = (payload.events as Record<string, Json>)[eventOf(payload)];
      expect(typeof event.event_timestamp).toBe('number');
    }
    // The one acknowledged is gone; the one refused (setErrs) too; unacknowledged ones come back.
    const [revoked, disabled] = [`${CAEP}session-revoked`, `${RISC}account-disabled`].map(
      (uri) => payloads.find((payload) => eventOf(payload) === uri)!.jti as string,
    );
    const again = await a.poll(pollUrl, { returnImmediately: true });
    expect(Object.keys(again.sets).sort()).toEqual([revoked, disabled].sort());
    const settled = await a.poll(pollUrl, {
      ack: [revoked],
      setErrs: { [disabled]: { err: 'invalid_key', description: 'not for us' } },
      returnImmediately: true,
    });
    expect(settled.sets).toEqual({});

    // A long poll waits for the next SET: the lift, which comes while it waits.
    const waiting = a.poll(pollUrl, { returnImmediately: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await setStatus(admin, username, 'active');
    const lifted = await waiting;
    const [liftedSet] = Object.values(lifted.sets);
    expect(eventOf(await verified(liftedSet, a.client.clientId))).toBe(`${RISC}account-enabled`);
    await a.poll(pollUrl, { ack: Object.keys(lifted.sets), maxEvents: 0 });
    await a.remove(created.stream_id as string);
  });

  it('pushes each SET to the receiver’s endpoint with its Authorization header (RFC 8935)', async () => {
    const pushed: { headers: IncomingHttpHeaders; body: string }[] = [];
    const endpoint = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        pushed.push({ headers: req.headers, body });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/events`;
      const authorization = `Bearer ${randomBytes(16).toString('base64url')}`;
      confidential.push(authorization);
      const created = await a.create({
        delivery: { method: PUSH, endpoint_url: url, authorization_header: authorization },
        events_requested: LOCK_DOWN,
      });
      // The header is the receiver's to send, never answered back.
      expect(JSON.stringify(created)).not.toContain(authorization);
      const { username, sub } = await person(admin);
      await setStatus(admin, username, 'disabled');
      await setStatus(admin, username, 'active');

      const all = await waitFor(
        () => Promise.resolve(pushed.length),
        (count) => count >= 3,
        20_000,
      );
      expect(all).toBe(3);
      const payloads: Json[] = [];
      for (const { headers, body } of pushed) {
        expect(headers['content-type']).toBe('application/secevent+jwt');
        expect(headers.authorization).toBe(authorization);
        const payload = await verified(body, a.client.clientId);
        expect(payload.sub_id).toEqual({ format: 'iss_sub', iss: service().issuer, sub });
        payloads.push(payload);
      }
      // In the order of their causes: the lock-down's two (either first), then the lift.
      expect(payloads.slice(0, 2).map(eventOf).sort()).toEqual(
        [`${CAEP}session-revoked`, `${RISC}account-disabled`].sort(),
      );
      expect(eventOf(payloads[2])).toBe(`${RISC}account-enabled`);
      await a.remove(created.stream_id as string);
    } finally {
      endpoint.closeAllConnections();
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });
});
