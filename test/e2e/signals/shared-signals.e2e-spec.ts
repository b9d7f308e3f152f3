/**
 * The Shared Signals transmitter (issue #80, step A) over HTTP, against the real service and
 * database: who may get the `ssf` scope, the metadata, one receiver's streams kept from another,
 * and each cause's SETs, exactly one per stream, polled (RFC 8936) and pushed (RFC 8935) to a
 * loopback receiver that is down and then up, each verified with jose against the JWKS.
 */
import type { mongo } from 'mongoose';
import request from 'supertest';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { cliCall } from '../../../src/admin/io/cli-call';
import { ssfAudience } from '../../../src/protocol-rules/ssf';
import { SSF_EVENT_COLLECTION } from '../../../src/signals/outbox/persistence/ssf-event.schema';
import { SSF_STREAM_COLLECTION } from '../../../src/signals/streams/persistence/stream.schema';
import { StreamRepository } from '../../../src/signals/streams/stream.repository';
import { AccessTokenService } from '../../../src/tokens/access-token.service';
import { GrantRepository } from '../../../src/tokens/grants/grant.repository';
import { UserAdministration } from '../../../src/admin/users/user-administration.service';
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { accountToken } from '../../support/accounts';
import { adminCli } from '../../support/admin-cli';
import { basic, login, refresh, tokensFor } from '../../support/oauth';
import { registerPasskey } from '../../support/passkeys';
import { expectRefusal } from '../../support/refusal';
import { eventually } from '../../support/smtp-server';
import { useTestApp } from '../../support/use-test-app';
import {
  CAEP,
  POLL,
  PUSH,
  RISC,
  SetReceiver,
  receiverEntry,
  ssfTokenOf,
  verifiedSet,
} from '../../support/shared-signals';

const RECEIVER = { id: 'ssf-receiver', secret: 'ssf-receiver-secret-1234' };
const OTHER = { id: 'ssf-other', secret: 'ssf-other-secret-1234' };
const MACHINE = { id: 'plain-machine', secret: 'plain-machine-secret-1234' };
const INITIAL_ACCESS_TOKEN = 'initial-access-token-of-the-ssf-spec';
/** The events of the causes this spec makes (account-changes.e2e-spec.ts makes the others). */
const ALL_EVENTS = [
  `${CAEP}session-revoked`,
  `${CAEP}credential-change`,
  `${RISC}account-disabled`,
  `${RISC}account-enabled`,
  `${RISC}credential-compromise`,
];
/** Every event Proofgate transmits (`events_supported`), in the order it lists them. */
const SUPPORTED_EVENTS = [
  `${CAEP}session-revoked`,
  `${CAEP}credential-change`,
  `${CAEP}assurance-level-change`,
  `${CAEP}token-claims-change`,
  `${RISC}account-disabled`,
  `${RISC}account-enabled`,
  `${RISC}credential-compromise`,
  `${RISC}identifier-changed`,
];

describe('the Shared Signals transmitter (SSF 1.0, issue #80)', () => {
  const t = useTestApp({
    // Every cause reads the streams, and a creation answers at once: the cache of "no stream"
    // and the wait it puts on a creation are the subject of their own test, below.
    SSF_STREAM_CHECK_CACHE_MS: '0',
    REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
    SSF_POLL_INTERVAL_MS: '100',
    SSF_FIRST_RETRY_MS: '50',
    SSF_MAX_STREAMS_PER_RECEIVER: '3',
    OAUTH_CLIENTS: JSON.stringify([
      receiverEntry(RECEIVER),
      receiverEntry(OTHER),
      { client_id: MACHINE.id, client_secret: MACHINE.secret, grant_types: ['client_credentials'] },
    ]),
  });
  const issuer = () => t.config.server.issuer;

  function tokenRequest(client: { id: string; secret: string }, fields: Record<string, string>) {
    return t
      .http()
      .post('/token')
      .type('form')
      .set('Authorization', basic(client.id, client.secret))
      .send({ grant_type: 'client_credentials', ...fields });
  }

  let receiver: string;
  let other: string;
  beforeAll(async () => {
    receiver = await ssfTokenOf(t, RECEIVER);
    other = await ssfTokenOf(t, OTHER);
  });
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  const verified = (set: string): Promise<JWTPayload> => verifiedSet(t, set);

  async function createStream(token: string, body: Record<string, unknown>) {
    const response = await t.http().post('/ssf/streams').set(as(token)).send(body);
    expect(response.status).toBe(201);
    return response.body as { stream_id: string; delivery: { endpoint_url: string } };
  }

  const streams = () => t.connection.collection(SSF_STREAM_COLLECTION);
  const streamRecord = (id: string) => streams().findOne({ _id: id as never });

  async function poll(token: string, streamId: string, body: Record<string, unknown> = {}) {
    const response = await t
      .http()
      .post(`/ssf/poll/${streamId}`)
      .set(as(token))
      .send({ returnImmediately: true, ...body });
    expect(response.status).toBe(200);
    return response.body as { sets: Record<string, string>; moreAvailable: boolean };
  }

  /** The verified SETs of a poll, and each one's single event URI. */
  async function polledEvents(token: string, streamId: string) {
    const { sets } = await poll(token, streamId);
    const payloads = await Promise.all(Object.values(sets).map((set) => verified(set)));
    return payloads.map((payload) => ({
      payload,
      event: Object.keys(payload.events as object)[0],
    }));
  }

  describe('who may get the ssf scope', () => {
    it('gives a marked receiver ssf alone, in a token for <ISSUER>/ssf', async () => {
      const { decodeJwt } = await import('jose');
      expect(decodeJwt(receiver)).toMatchObject({
        client_id: RECEIVER.id,
        aud: `${issuer()}/ssf`,
        scope: 'ssf',
      });
      expect((await tokenRequest(RECEIVER, { scope: 'ssf api' })).body).toMatchObject({
        error: 'invalid_scope',
      });
    });

    it('refuses ssf to a client without the mark, and to one that registered itself', async () => {
      expectRefusal(
        await tokenRequest(MACHINE, { scope: 'ssf' }),
        400,
        'invalid_scope',
        'ssf: this client is not a Shared Signals receiver (the operator marks one with ssf_receiver in OAUTH_CLIENTS or clients add --ssf-receiver)',
      );
      const registered = await t
        .http()
        .post('/register')
        .set('Authorization', `Bearer ${INITIAL_ACCESS_TOKEN}`)
        .send({
          client_name: 'Self-made receiver',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
          ssf_receiver: true,
        });
      expect(registered.status).toBe(201);
      const self = registered.body as { client_id: string; client_secret: string };
      expect(
        (await tokenRequest({ id: self.client_id, secret: self.client_secret }, { scope: 'ssf' }))
          .body,
      ).toMatchObject({ error: 'invalid_scope' });
    });

    it('refuses the stream API without a token (401), and with a token of another audience', async () => {
      const metadata = `resource_metadata="${issuer()}/.well-known/oauth-protected-resource/ssf"`;
      const bare = await t.http().get('/ssf/streams');
      expect(bare.status).toBe(401);
      // RFC 6750 §3.1: no error code without credentials; RFC 9728 §5.1: where to learn more.
      expect(bare.headers['www-authenticate']).toBe(`Bearer realm="proofgate", ${metadata}`);
      const api = (await tokenRequest(MACHINE, { scope: 'api' }).expect(200)).body as {
        access_token: string;
      };
      const foreign = await t.http().get('/ssf/streams').set(as(api.access_token));
      expect(foreign.status).toBe(401);
      expect(String(foreign.headers['www-authenticate'])).toMatch(
        new RegExp(`^Bearer realm="proofgate", error="invalid_token", .*, ${metadata}$`),
      );
    });

    it('refuses a live token for <ISSUER>/ssf without the ssf scope: 403 insufficient_scope', async () => {
      // The token endpoint issues none (the ssf scope alone goes to that audience): signed here,
      // with a live grant behind it, as a bug elsewhere would issue it.
      const now = t.clock.now();
      const grantId = `c${'x'.repeat(21)}`;
      await t.app.get(GrantRepository).openForClient({
        grantId,
        clientId: RECEIVER.id,
        scope: 'api',
        resource: ssfAudience(issuer()),
        createdAt: now,
        expiresAt: new Date(now.getTime() + 3_600_000),
      });
      const { token } = await t.app.get(AccessTokenService).sign({
        audience: ssfAudience(issuer()),
        sub: RECEIVER.id,
        clientId: RECEIVER.id,
        scope: 'api',
        grantId,
      });
      const refused = await t.http().get('/ssf/streams').set(as(token));
      expectRefusal(refused, 403, 'insufficient_scope', 'This call needs the scope ssf');
      expect(String(refused.headers['www-authenticate'])).toContain('scope="ssf"');
      expect(String(refused.headers['www-authenticate'])).toContain(
        `resource_metadata="${issuer()}/.well-known/oauth-protected-resource/ssf"`,
      );
    });

    it('describes the stream API as a protected resource (RFC 9728): its authorization server and the ssf scope', async () => {
      const response = await t
        .http()
        .get('/.well-known/oauth-protected-resource/ssf')
        .expect('Cache-Control', 'public, max-age=300')
        .expect(200);
      expect(response.body).toEqual({
        resource: `${issuer()}/ssf`,
        authorization_servers: [issuer()],
        bearer_methods_supported: ['header'],
        scopes_supported: ['ssf'],
        resource_name: 'Proofgate Shared Signals transmitter',
        dpop_signing_alg_values_supported: expect.arrayContaining(['ES256']),
        jwks_uri: `${issuer()}/jwks.json`,
      });
      // What it says works: a token for that resource with that scope, from that server.
      const issued = (await tokenRequest(RECEIVER, { scope: 'ssf' }).expect(200)).body as {
        access_token: string;
      };
      expect(decodeJwt(issued.access_token)).toMatchObject({ aud: response.body.resource });
      await t.http().get('/ssf/streams').set(as(issued.access_token)).expect(200);
    });
  });

  it('publishes its configuration metadata (SSF 1.0 §7)', async () => {
    const response = await t.http().get('/.well-known/ssf-configuration').expect(200);
    expect(response.body).toEqual({
      spec_version: '1_0',
      issuer: issuer(),
      jwks_uri: `${issuer()}/jwks.json`,
      delivery_methods_supported: [PUSH, POLL],
      configuration_endpoint: `${issuer()}/ssf/streams`,
      status_endpoint: `${issuer()}/ssf/status`,
      add_subject_endpoint: `${issuer()}/ssf/subjects/add`,
      remove_subject_endpoint: `${issuer()}/ssf/subjects/remove`,
      verification_endpoint: `${issuer()}/ssf/verify`,
      authorization_schemes: [{ spec_urn: 'urn:ietf:rfc:6749' }],
      default_subjects: 'ALL',
    });
  });

  describe('streams (SSF 1.0 §8)', () => {
    it('creates, reads, updates, replaces and deletes a stream; another receiver sees none of it', async () => {
      const created = await createStream(receiver, {
        delivery: { method: POLL },
        events_requested: [`${RISC}account-disabled`, 'https://example.com/unknown-event'],
        description: 'mine',
      });
      const id = created.stream_id;
      expect(created).toMatchObject({
        iss: issuer(),
        aud: RECEIVER.id,
        events_supported: SUPPORTED_EVENTS,
        events_delivered: [`${RISC}account-disabled`],
        delivery: { method: POLL, endpoint_url: `${issuer()}/ssf/poll/${id}` },
        description: 'mine',
      });
      const read = await t.http().get('/ssf/streams').query({ stream_id: id }).set(as(receiver));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created);

      const patched = await t
        .http()
        .patch('/ssf/streams')
        .set(as(receiver))
        .send({ stream_id: id, events_requested: ALL_EVENTS });
      expect(patched.body).toMatchObject({ events_delivered: ALL_EVENTS, description: 'mine' });
      const replaced = await t
        .http()
        .put('/ssf/streams')
        .set(as(receiver))
        .send({ stream_id: id, delivery: { method: POLL }, events_requested: [] });
      expect(replaced.body).toMatchObject({ events_delivered: [] });
      expect(replaced.body).not.toHaveProperty('description');

      // Another receiver: every call about this stream is 404, as for one that does not exist.
      const refusals = await Promise.all([
        t.http().get('/ssf/streams').query({ stream_id: id }).set(as(other)),
        t.http().patch('/ssf/streams').set(as(other)).send({ stream_id: id, description: 'x' }),
        t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(other)),
        t.http().get('/ssf/status').query({ stream_id: id }).set(as(other)),
        t.http().post('/ssf/status').set(as(other)).send({ stream_id: id, status: 'disabled' }),
        t.http().post(`/ssf/poll/${id}`).set(as(other)).send({ returnImmediately: true }),
        t.http().post('/ssf/verify').set(as(other)).send({ stream_id: id }),
      ]);
      for (const refusal of refusals) expectRefusal(refusal, 404, 'not_found', 'No such stream');
      const listed = await t.http().get('/ssf/streams').set(as(other)).expect(200);
      expect((listed.body as { stream_id: string }[]).map((s) => s.stream_id)).not.toContain(id);

      await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver)).expect(204);
      expect(
        (await t.http().get('/ssf/streams').query({ stream_id: id }).set(as(receiver))).status,
      ).toBe(404);
    });

    it('takes a configuration sent back as read; a transmitter-supplied property that does not match is 400 (SSF 1.0 §8.1.1.3, §8.1.1.4)', async () => {
      const { stream_id: id } = await createStream(receiver, {
        events_requested: [`${RISC}account-disabled`],
        description: 'read back',
      });
      const read = await t.http().get('/ssf/streams').query({ stream_id: id }).set(as(receiver));
      expect(read.status).toBe(200);
      const configuration = read.body as Record<string, unknown>;
      for (const method of ['put', 'patch'] as const) {
        const sentBack = await t
          .http()
          [method]('/ssf/streams')
          .set(as(receiver))
          .send(configuration);
        expect({ status: sentBack.status, body: sentBack.body as unknown }).toEqual({
          status: 200,
          body: configuration,
        });
      }
      const patched = await t
        .http()
        .patch('/ssf/streams')
        .set(as(receiver))
        .send({
          stream_id: id,
          aud: [RECEIVER.id],
          events_delivered: [`${RISC}account-disabled`],
          events_supported: [...SUPPORTED_EVENTS].reverse(),
        });
      expect(patched.status).toBe(200);

      const mismatches: [Record<string, unknown>, string, boolean?][] = [
        [{ iss: 'http://evil' }, 'iss'],
        [{ aud: 'other' }, 'aud'],
        [{ aud: [RECEIVER.id, 'other'] }, 'aud'],
        [{ events_supported: [`${CAEP}session-revoked`] }, 'events_supported'],
        [{ events_delivered: [`${CAEP}session-revoked`] }, 'events_delivered'],
        // What a new stream asking nothing would deliver, not what this one does.
        [{ events_delivered: [] }, 'events_delivered', false],
      ];
      for (const [property, name, onCreate = true] of mismatches) {
        const description = `${name} does not match the stream's: send a transmitter-supplied property as read, or leave it out`;
        const answers = await Promise.all([
          t
            .http()
            .patch('/ssf/streams')
            .set(as(receiver))
            .send({ stream_id: id, ...property }),
          t
            .http()
            .put('/ssf/streams')
            .set(as(receiver))
            .send({ ...configuration, ...property }),
          ...(onCreate ? [t.http().post('/ssf/streams').set(as(receiver)).send(property)] : []),
        ]);
        for (const answer of answers) expectRefusal(answer, 400, 'invalid_request', description);
      }
      expectRefusal(
        await t
          .http()
          .patch('/ssf/streams')
          .set(as(receiver))
          .send({ stream_id: id, inactivity_timeout: 60 }),
        400,
        'invalid_request',
        'inactivity_timeout is not set for this stream: leave it out',
      );
      expectRefusal(
        await t.http().patch('/ssf/streams').set(as(receiver)).send({ stream_id: id, aud: 7 }),
        400,
        'invalid_request',
        'aud must be a string or an array of strings',
      );
      const unchanged = await t
        .http()
        .get('/ssf/streams')
        .query({ stream_id: id })
        .set(as(receiver));
      expect(unchanged.body).toEqual(configuration);
      await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver)).expect(204);
    });

    it('refuses bad input in the one error envelope, and a stream past the bound (409)', async () => {
      expectRefusal(
        await t
          .http()
          .post('/ssf/streams')
          .set(as(receiver))
          .send({ delivery: { method: PUSH } }),
        400,
        'invalid_request',
        'A push stream needs delivery.endpoint_url (RFC 8935)',
      );
      const malformed = await t
        .http()
        .post('/ssf/streams')
        .set(as(receiver))
        .send({ delivery: { method: 'urn:example:carrier-pigeon' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ error: 'invalid_request' });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await createStream(other, {})).stream_id);
      const beyond = await t.http().post('/ssf/streams').set(as(other)).send({});
      expect(beyond.status).toBe(409);
      expect(beyond.body).toMatchObject({ error: 'conflict' });
      for (const id of ids) {
        await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(other)).expect(204);
      }
    });

    it('refuses an authorization_header that is no HTTP field value (CR, LF, any control but tab): 400, never stored', async () => {
      const { stream_id: id } = await createStream(receiver, {});
      const refusal =
        'delivery.authorization_header must be an HTTP field value (RFC 9110 §5.5): no control character but tab';
      for (const header of [
        'Bearer x\r\nX-Injected: 1',
        'Bearer x\n',
        'Bearer \u0000x',
        'Bearer x\u007f',
      ]) {
        const delivery = {
          method: PUSH,
          endpoint_url: 'https://receiver.example/events',
          authorization_header: header,
        };
        const answers = await Promise.all([
          t.http().post('/ssf/streams').set(as(receiver)).send({ delivery }),
          t.http().put('/ssf/streams').set(as(receiver)).send({ stream_id: id, delivery }),
          t.http().patch('/ssf/streams').set(as(receiver)).send({ stream_id: id, delivery }),
        ]);
        for (const answer of answers) expectRefusal(answer, 400, 'invalid_request', refusal);
      }
      const read = await t.http().get('/ssf/streams').query({ stream_id: id }).set(as(receiver));
      expect(read.body).toMatchObject({ delivery: { method: POLL } });
      // A tab is a field value's own.
      const tabbed = await t
        .http()
        .patch('/ssf/streams')
        .set(as(receiver))
        .send({
          stream_id: id,
          delivery: {
            method: PUSH,
            endpoint_url: 'https://receiver.example/events',
            authorization_header: 'Bearer a\tb',
          },
        });
      expect(tabbed.status).toBe(200);
      await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver)).expect(204);
    });

    it('sends a verification SET with the receiver state (SSF 1.0 §8.1.4)', async () => {
      const { stream_id: id } = await createStream(receiver, {});
      await t
        .http()
        .post('/ssf/verify')
        .set(as(receiver))
        .send({ stream_id: id, state: 'VGhpcyBpcyBhbiBleGFtcGxl' })
        .expect(204);
      const [only, ...rest] = await polledEvents(receiver, id);
      expect(rest).toEqual([]);
      expect(only.payload).toMatchObject({
        aud: RECEIVER.id,
        sub_id: { format: 'opaque', id },
        events: {
          'https://schemas.openid.net/secevent/ssf/event-type/verification': {
            state: 'VGhpcyBpcyBhbiBleGFtcGxl',
          },
        },
      });
      await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver)).expect(204);
    });

    it('holds a poll without returnImmediately until a SET comes (RFC 8936 §2.1), a paused stream until enabled', async () => {
      const { stream_id: id } = await createStream(receiver, {});
      /** A poll as sent, timed from its start to its answer. */
      const timedPoll = async (body: Record<string, unknown>) => {
        const start = Date.now();
        const response = await t.http().post(`/ssf/poll/${id}`).set(as(receiver)).send(body);
        expect(response.status).toBe(200);
        const { sets } = response.body as { sets: Record<string, string> };
        return { sets, waited: Date.now() - start };
      };
      const pause = 800;
      const later = () => new Promise((resolve) => setTimeout(resolve, pause));
      // Neither `{}` nor `maxEvents` alone answers at once: the verification SET queued while the
      // poll waits is its answer.
      for (const body of [{}, { maxEvents: 5 }]) {
        const waiting = timedPoll(body);
        await later();
        await t.http().post('/ssf/verify').set(as(receiver)).send({ stream_id: id }).expect(204);
        const { sets, waited } = await waiting;
        expect(Object.keys(sets)).toHaveLength(1);
        expect(waited).toBeGreaterThanOrEqual(pause);
        await poll(receiver, id, { ack: Object.keys(sets), maxEvents: 0 });
      }
      // A paused stream holds its SET and the poll: enabled, it answers the SET.
      await t
        .http()
        .post('/ssf/status')
        .set(as(receiver))
        .send({ stream_id: id, status: 'paused' })
        .expect(200);
      await t.http().post('/ssf/verify').set(as(receiver)).send({ stream_id: id }).expect(204);
      expect((await poll(receiver, id)).sets).toEqual({});
      const held = timedPoll({ returnImmediately: false });
      await later();
      await t
        .http()
        .post('/ssf/status')
        .set(as(receiver))
        .send({ stream_id: id, status: 'enabled' })
        .expect(200);
      const { sets, waited } = await held;
      expect(Object.keys(sets)).toHaveLength(1);
      expect(waited).toBeGreaterThanOrEqual(pause);
      await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver)).expect(204);
    });

    it('signs every SET RS256 by a key of the JWKS, whatever TOKEN_SIGNING_ALG is (CAEP Interoperability Profile §2.6)', async () => {
      expect(t.config.tokens.signingAlg).toBe('ES256');
      expect(decodeProtectedHeader(receiver).alg).toBe('ES256');
      const { stream_id: id } = await createStream(receiver, {});
      await t.http().post('/ssf/verify').set(as(receiver)).send({ stream_id: id }).expect(204);
      const { sets } = await poll(receiver, id);
      const [set] = Object.values(sets);
      const header = decodeProtectedHeader(set);
      expect(header).toMatchObject({ alg: 'RS256', typ: 'secevent+jwt' });
      const jwks = (await t.http().get('/jwks.json').expect(200)).body as {
        keys: Array<{ kid: string; alg: string }>;
      };
      expect(jwks.keys.find((key) => key.kid === header.kid)?.alg).toBe('RS256');
      await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver)).expect(204);
    });
  });

  describe('events', () => {
    const users = () => t.app.get(UserAdministration, { strict: false });

    it('polls exactly one SET per cause and stream, verified with the JWKS; acknowledged ones are gone', async () => {
      const { stream_id: id } = await createStream(receiver, { events_requested: ALL_EVENTS });
      // NONE-like stream of the other receiver: user0 added by email would not match; ALL is the
      // default, so both streams cover user0.
      const { stream_id: second } = await createStream(other, { events_requested: ALL_EVENTS });
      const agent = request.agent(t.app.getHttpServer());
      await login(agent);
      // The lock-down: the account disabled, its session ended (told once each, per stream).
      const disabled = await users().disable('user0', cliCall());
      expect(disabled.sessionsEnded).toBe(1);
      // Run again: nothing changes, nothing more is told.
      await users().disable('user0', cliCall());

      for (const [token, stream, audience] of [
        [receiver, id, RECEIVER.id],
        [other, second, OTHER.id],
      ] as const) {
        const polled = await polledEvents(token, stream);
        expect(polled.map((p) => p.event).sort()).toEqual(
          [`${CAEP}session-revoked`, `${RISC}account-disabled`].sort(),
        );
        for (const { payload, event } of polled) {
          expect(Object.keys(payload).sort()).toEqual(
            ['aud', 'events', 'iat', 'iss', 'jti', 'sub_id'].sort(),
          );
          expect(payload).toMatchObject({
            aud: audience,
            sub_id: { format: 'iss_sub', iss: issuer(), sub: 'user0' },
          });
          expect(
            typeof (payload.events as Record<string, { event_timestamp: number }>)[event]
              .event_timestamp,
          ).toBe('number');
        }
        const revoked = polled.find((p) => p.event === `${CAEP}session-revoked`)!;
        expect((revoked.payload.events as Record<string, unknown>)[revoked.event]).toMatchObject({
          initiating_entity: 'admin',
        });
        // Unacknowledged: the same SETs again; acknowledged: gone.
        const again = await poll(token, stream);
        expect(Object.keys(again.sets).sort()).toEqual(polled.map((p) => p.payload.jti).sort());
        await poll(token, stream, { ack: Object.keys(again.sets), maxEvents: 0 });
        expect((await poll(token, stream)).sets).toEqual({});
      }

      await users().enable('user0', cliCall());
      const enabled = await polledEvents(receiver, id);
      expect(enabled.map((p) => p.event)).toEqual([`${RISC}account-enabled`]);
      await poll(receiver, id, { ack: enabled.map((p) => p.payload.jti), maxEvents: 0 });

      // A paused stream holds its SETs; a disabled one is told nothing.
      await t
        .http()
        .post('/ssf/status')
        .set(as(other))
        .send({ stream_id: second, status: 'disabled' })
        .expect(200);
      await users().disable('user0', cliCall());
      await users().enable('user0', cliCall());
      expect((await poll(other, second)).sets).toEqual({});
      expect((await polledEvents(receiver, id)).map((p) => p.event)).toEqual([
        `${RISC}account-disabled`,
        `${RISC}account-enabled`,
      ]);
      for (const [token, stream] of [
        [receiver, id],
        [other, second],
      ] as const) {
        await t
          .http()
          .delete('/ssf/streams')
          .query({ stream_id: stream })
          .set(as(token))
          .expect(204);
      }
    });

    /** A browser signed in by password, and the csrf token of its login page's sign-out form. */
    async function signedIn(username: string) {
      const agent = request.agent(t.app.getHttpServer());
      await login(agent, '/', username, `password${username.slice(-1)}`);
      const page = await agent.get('/login').expect(200);
      const csrf =
        /action="\/logout">\s*<input type="hidden" name="csrf_token" value="([^"]+)">/.exec(
          page.text,
        )?.[1];
      if (!csrf) throw new Error('no sign-out form on the login page of a signed-in browser');
      return { agent, csrf };
    }

    /** The polled SETs' events and members, acknowledged so the next poll starts afresh. */
    async function drained(token: string, streamId: string) {
      const polled = await polledEvents(token, streamId);
      await poll(token, streamId, { ack: polled.map((p) => p.payload.jti), maxEvents: 0 });
      return polled.map(({ payload, event }) => ({
        event,
        sub: (payload.sub_id as { sub: string }).sub,
        members: (payload.events as Record<string, Record<string, unknown>>)[event],
      }));
    }

    it("tells session-revoked for a person's sign-out and for sign out everywhere, one SET per session", async () => {
      const { stream_id: id } = await createStream(receiver, { events_requested: ALL_EVENTS });
      const { agent, csrf } = await signedIn('user1');
      await agent.post('/logout').type('form').send({ csrf_token: csrf }).expect(303);
      // Signed out again: the session is gone, nothing more is told.
      await agent.post('/logout').type('form').send({ csrf_token: csrf });
      const revoked = (reason: string) => ({
        event: `${CAEP}session-revoked`,
        sub: 'user1',
        members: {
          event_timestamp: expect.any(Number),
          initiating_entity: 'user',
          reason_admin: { en: reason },
        },
      });
      expect(await drained(receiver, id)).toEqual([revoked('logged_out')]);

      // Two browsers of user1; the account page of one signs both out.
      const first = await signedIn('user1');
      await signedIn('user1');
      const page = await first.agent.get('/account').expect(200);
      const accountCsrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
      await first.agent
        .post('/account/sign-out-everywhere')
        .type('form')
        .send({ csrf_token: accountCsrf })
        .expect(200);
      expect(await drained(receiver, id)).toEqual([
        revoked('signed_out_everywhere'),
        revoked('signed_out_everywhere'),
      ]);
      await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver)).expect(204);
    });

    it('tells credential-change for a passkey registered and one removed (CAEP 1.0 §3.3)', async () => {
      const { stream_id: id } = await createStream(receiver, {
        events_requested: [`${CAEP}credential-change`],
      });
      const token = await accountToken(t, 'user1');
      const authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: issuer() });
      await registerPasskey(t, token, authenticator);
      // The software authenticator says it is built in (transport internal): fido2-platform.
      const passkeyChange = (changeType: string) => [
        {
          event: `${CAEP}credential-change`,
          sub: 'user1',
          members: {
            event_timestamp: expect.any(Number),
            credential_type: 'fido2-platform',
            change_type: changeType,
          },
        },
      ];
      expect(await drained(receiver, id)).toEqual(passkeyChange('create'));
      await t
        .http()
        .delete(`/account/methods/${encodeURIComponent(`passkey:${authenticator.id}`)}`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(await drained(receiver, id)).toEqual(passkeyChange('delete'));
      await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver)).expect(204);
    });

    it('pushes to a receiver that was down everything, in order, once it is up (RFC 8935)', async () => {
      const endpoint = new SetReceiver();
      await endpoint.start();
      try {
        endpoint.down = true;
        const { stream_id: id } = await createStream(receiver, {
          delivery: {
            method: PUSH,
            endpoint_url: endpoint.url,
            authorization_header: 'Bearer receiver-own-secret',
          },
          events_requested: ALL_EVENTS,
        });
        // A refresh token used again after rotation: its family revoked (credential-compromise).
        const agent = request.agent(t.app.getHttpServer());
        await login(agent);
        const first = await tokensFor(t.app.getHttpServer(), agent, { scope: 'profile api' });
        await refresh(t.app.getHttpServer(), first.refresh_token).expect(200);
        t.clock.advance(61);
        await refresh(t.app.getHttpServer(), first.refresh_token).expect(400);
        await users().disable('user0', cliCall());
        await users().enable('user0', cliCall());
        // Down for a while: nothing accepted, the SETs wait.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(endpoint.received).toEqual([]);
        endpoint.down = false;
        await endpoint.waitFor(4);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(endpoint.received).toHaveLength(4);
        const events = [];
        for (const received of endpoint.received) {
          expect(received.contentType).toBe('application/secevent+jwt');
          expect(received.authorization).toBe('Bearer receiver-own-secret');
          const payload = await verified(received.set);
          expect(JSON.stringify(payload)).not.toContain(first.refresh_token);
          expect(JSON.stringify(payload)).not.toContain('receiver-own-secret');
          events.push(Object.keys(payload.events as object)[0]);
        }
        expect(events).toEqual([
          `${RISC}credential-compromise`,
          `${RISC}account-disabled`,
          `${CAEP}session-revoked`,
          `${RISC}account-enabled`,
        ]);
        // The receiver never sees its authorization header answered back.
        const read = await t.http().get('/ssf/streams').query({ stream_id: id }).set(as(receiver));
        expect(JSON.stringify(read.body)).not.toContain('receiver-own-secret');
        // Nor does anyone who reads the database: the header is stored sealed.
        const stored = await streamRecord(id);
        expect(stored?.sealedAuthorizationHeader).toEqual(expect.stringMatching(/^v1\./));
        expect(JSON.stringify(stored)).not.toContain('receiver-own-secret');
        // A cause reads the streams it covers without the header (a push reads it with its stream).
        const covering = await t.app
          .get(StreamRepository)
          .covering(`${RISC}account-disabled`, 'user0');
        expect(covering.find((stream) => stream.streamId === id)?.delivery).toEqual({
          method: PUSH,
          endpointUrl: endpoint.url,
        });
        await t
          .http()
          .delete('/ssf/streams')
          .query({ stream_id: id })
          .set(as(receiver))
          .expect(204);
      } finally {
        await endpoint.close();
      }
    });

    it('pushes nothing with a sealed header moved from another stream: the row waits with its reason', async () => {
      const endpoint = new SetReceiver();
      await endpoint.start();
      const ids: string[] = [];
      try {
        const delivery = (secret: string) => ({
          method: PUSH,
          endpoint_url: endpoint.url,
          authorization_header: `Bearer ${secret}`,
        });
        const events_requested = [`${RISC}account-disabled`];
        for (const secret of ['kept-stream-secret', 'moved-stream-secret']) {
          ids.push(
            (await createStream(receiver, { delivery: delivery(secret), events_requested }))
              .stream_id,
          );
        }
        const [kept, moved] = ids;
        // Someone with the database alone copies one stream's sealed header onto the other.
        const { sealedAuthorizationHeader } = (await streamRecord(kept))!;
        await streams().updateOne({ _id: moved as never }, { $set: { sealedAuthorizationHeader } });

        await users().disable('user0', cliCall());
        await endpoint.waitFor(1);
        const waiting = await eventually(async () => {
          const row = await t.connection
            .collection(SSF_EVENT_COLLECTION)
            .findOne({ streamId: moved });
          return row?.lastError === undefined ? undefined : row;
        }, "the moved stream's failed push");
        expect(waiting.lastError).toBe(
          'the stream authorization_header does not open with this KEY_ENCRYPTION_SECRET: replace it',
        );
        expect(endpoint.received.map((received) => received.authorization)).toEqual([
          'Bearer kept-stream-secret',
        ]);
        // The stream still reads (without the header), and takes a new one, which is pushed with.
        await t
          .http()
          .get('/ssf/streams')
          .query({ stream_id: moved })
          .set(as(receiver))
          .expect(200);
        await t
          .http()
          .patch('/ssf/streams')
          .set(as(receiver))
          .send({ stream_id: moved, delivery: delivery('moved-stream-secret-2') })
          .expect(200);
        await endpoint.waitFor(2);
        expect(endpoint.received[1].authorization).toBe('Bearer moved-stream-secret-2');
      } finally {
        await users().enable('user0', cliCall());
        for (const id of ids) {
          await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as(receiver));
        }
        await endpoint.close();
      }
    });
  });
});

describe('the Shared Signals rate limits', () => {
  const t = useTestApp({
    RATE_LIMIT_SSF_PER_RECEIVER: '2',
    RATE_LIMIT_SSF_PER_IP: '4',
    OAUTH_CLIENTS: JSON.stringify([receiverEntry(RECEIVER)]),
  });

  it('answers 429 with Retry-After past RATE_LIMIT_SSF_PER_RECEIVER, then past RATE_LIMIT_SSF_PER_IP for calls without a token', async () => {
    const token = await ssfTokenOf(t, RECEIVER);
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 3; i += 1) {
      last = await t.http().get('/ssf/streams').set('Authorization', `Bearer ${token}`);
      statuses.push(last.status);
    }
    // The test clock stands still: every call is in the same minute's window.
    expect(statuses).toEqual([200, 200, 429]);
    expect(last?.body).toMatchObject({ error: 'too_many_requests' });
    expect(Number(last?.headers['retry-after'])).toBeGreaterThan(0);
    // The address has spent 3 of its 4: one refused call more, then its own 429.
    expect((await t.http().get('/ssf/streams')).status).toBe(401);
    const limited = await t.http().post('/ssf/verify').send({ stream_id: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'too_many_requests' });
  });
});

describe('a stream of default_subjects NONE (SSF_DEFAULT_SUBJECTS)', () => {
  const t = useTestApp({
    SSF_DEFAULT_SUBJECTS: 'NONE',
    OAUTH_CLIENTS: JSON.stringify([receiverEntry(RECEIVER)]),
  });
  const users = () => t.app.get(UserAdministration, { strict: false });

  it('is told only of the subjects added to it, an email address or an opaque id, until removed', async () => {
    const token = await ssfTokenOf(t, RECEIVER);
    const as = { Authorization: `Bearer ${token}` };
    const created = await t
      .http()
      .post('/ssf/streams')
      .set(as)
      .send({ events_requested: ALL_EVENTS })
      .expect(201);
    const id = (created.body as { stream_id: string }).stream_id;
    const subject = (path: string, body: Record<string, unknown>) =>
      t.http().post(`/ssf/subjects/${path}`).set(as).send({ stream_id: id, subject: body });
    /** The accounts and events polled since the last call, acknowledged. */
    const told = async () => {
      const { sets } = (
        await t.http().post(`/ssf/poll/${id}`).set(as).send({ returnImmediately: true }).expect(200)
      ).body as { sets: Record<string, string> };
      await t
        .http()
        .post(`/ssf/poll/${id}`)
        .set(as)
        .send({ ack: Object.keys(sets), maxEvents: 0 })
        .expect(200);
      return Object.values(sets).map((set) => {
        const payload = decodeJwt(set);
        return [(payload.sub_id as { sub: string }).sub, Object.keys(payload.events as object)[0]];
      });
    };

    // user1's verified address (linked by the operator), in another case than the receiver's.
    const linked = await adminCli(t, [
      'accounts',
      'link',
      '--user',
      'user1',
      '--email',
      'ssf-user1@example.test',
    ]);
    expect(linked.code).toBe(0);
    expect(
      (await subject('add', { format: 'email', email: 'SSF-User1@example.test' })).status,
    ).toBe(200);
    await users().disable('user0', cliCall());
    await users().disable('user1', cliCall());
    expect(await told()).toEqual([['user1', `${RISC}account-disabled`]]);

    // The address removed, user0 added by its opaque id (its subject).
    expect(
      (await subject('remove', { format: 'email', email: 'ssf-user1@example.test' })).status,
    ).toBe(204);
    expect((await subject('add', { format: 'opaque', id: 'user0' })).status).toBe(200);
    await users().enable('user1', cliCall());
    await users().enable('user0', cliCall());
    expect(await told()).toEqual([['user0', `${RISC}account-enabled`]]);

    // A subject that names no account is taken, and matches nothing.
    expect((await subject('add', { format: 'email', email: 'nobody@example.test' })).status).toBe(
      200,
    );
    await t.http().delete('/ssf/streams').query({ stream_id: id }).set(as).expect(204);
  });
});

describe('a cause while no stream exists (command monitoring)', () => {
  // Long enough that the three causes below fall in one cache window on a loaded CI machine (5 s
  // did not, once), short enough for the creation that waits it out.
  const CACHE_MS = 10_000;
  const t = useTestApp({
    SSF_STREAM_CHECK_CACHE_MS: String(CACHE_MS),
    OAUTH_CLIENTS: JSON.stringify([receiverEntry(RECEIVER)]),
  });
  const users = () => t.app.get(UserAdministration, { strict: false });

  let sent: string[] | undefined;
  beforeAll(() => {
    t.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
      const collection = String(event.command[event.commandName]);
      const { filter, limit } = event.command as { filter?: unknown; limit?: number };
      if (collection.startsWith('ssf_')) {
        sent?.push(`${event.commandName} ${collection} ${JSON.stringify({ filter, limit })}`);
      }
    });
  });
  async function ssfCommands(cause: () => Promise<unknown>): Promise<string[]> {
    sent = [];
    await cause();
    const commands = sent;
    sent = undefined;
    return commands;
  }

  it('costs no Shared Signals command once an instance read that none exists; a new stream is told the next cause', async () => {
    // The first cause reads whether any stream exists (one id at most); the next ones trust it.
    expect(await ssfCommands(() => users().disable('user0', cliCall()))).toEqual([
      'find ssf_streams {"filter":{},"limit":1}',
    ]);
    expect(await ssfCommands(() => users().enable('user0', cliCall()))).toEqual([]);
    expect(await ssfCommands(() => users().disable('user1', cliCall()))).toEqual([]);

    // A creation answers once every instance's "none" has run out: the next cause is told.
    const token = await ssfTokenOf(t, RECEIVER);
    const began = Date.now();
    const created = await t
      .http()
      .post('/ssf/streams')
      .set('Authorization', `Bearer ${token}`)
      .send({ events_requested: ALL_EVENTS })
      .expect(201);
    expect(Date.now() - began).toBeGreaterThanOrEqual(CACHE_MS);
    const id = (created.body as { stream_id: string }).stream_id;
    await users().enable('user1', cliCall());
    const { sets } = (
      await t
        .http()
        .post(`/ssf/poll/${id}`)
        .set('Authorization', `Bearer ${token}`)
        .send({ returnImmediately: true })
        .expect(200)
    ).body as { sets: Record<string, string> };
    expect(Object.values(sets).map((set) => decodeJwt(set).events)).toEqual([
      { [`${RISC}account-enabled`]: { event_timestamp: expect.any(Number) } },
    ]);
  }, 45_000);
});
