/**
 * A confidential client's secret rotated without an outage (issue #77 item 4): after
 * `proofgate-admin clients rotate-secret --overlap`, the previous secret and the new one both
 * authenticate the client at /token, /introspect and /revoke, with client_secret_basic and
 * client_secret_post, until the overlap ends; then the previous one is `401 invalid_client`
 * there, by the clock (no deletion). An independent client library (oauth4webapi) presents the
 * secrets to the service listening on a real port; the CLI runs in-process on its database and
 * clock (test/support/admin-cli.ts).
 *
 * The client cache is off here (CLIENT_CACHE_TTL_SECONDS=0): what is shown is what the store
 * and the clock decide. With the cache, an instance sees a rotation within that many seconds
 * (test/e2e/admin/admin-cli.e2e-spec.ts, docs/ADMINISTRATION.md#rotating-a-client-secret).
 */
import * as oauth from 'oauth4webapi';
import { adminCli } from '../../support/admin-cli';
import { INSECURE, discover } from '../../support/oauth-discovery';
import { useListeningApp } from '../../support/use-test-app';
import { PasswordHasher } from '../../../src/platform/crypto/password-hasher';

type Json = Record<string, unknown>;
type Auth = 'basic' | 'post';

const HOUR = 3_600;

describe('client secret rotation with an overlap (rotate-secret --overlap)', () => {
  const t = useListeningApp({
    CLIENT_CACHE_TTL_SECONDS: '0',
    // Refusals are what these tests look at: no 429 for the failed authentications they make.
    CLIENT_AUTH_MAX_FAILURES: '1000',
    RATE_LIMIT_TOKEN_PER_IP: '100000',
    RATE_LIMIT_TOKEN_PER_CLIENT: '100000',
  });
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    as = await discover(t.issuer);
  });
  afterEach(() => t.clock.thaw());

  async function adminJson<T = Json>(args: string[]): Promise<T> {
    const run = await adminCli(t, [...args, '--json']);
    if (run.code !== 0) throw new Error(`${args.join(' ')} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  }

  /** A confidential machine client, as an operator adds one; its first secret. */
  async function addMachineClient(clientId: string): Promise<string> {
    const added = await adminJson([
      'clients',
      'add',
      clientId,
      '--grant-type',
      'client_credentials',
    ]);
    return added.client_secret as string;
  }

  async function rotate(clientId: string, overlap: string): Promise<string> {
    const rotated = await adminJson(['clients', 'rotate-secret', clientId, '--overlap', overlap]);
    return rotated.client_secret as string;
  }

  const authOf = (secret: string, auth: Auth) =>
    auth === 'basic' ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret);

  /** An access token of the client's, for /introspect and /revoke to be asked about. */
  async function accessToken(clientId: string, secret: string): Promise<string> {
    const client = { client_id: clientId };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(secret),
      {},
      INSECURE,
    );
    return (await oauth.processClientCredentialsResponse(as, client, response)).access_token;
  }

  interface Answer {
    status: number;
    body: Json;
  }

  /**
   * What /token (client_credentials), /introspect and /revoke answer the client presenting
   * `secret` (about `token`, a live access token of the client's).
   */
  async function answers(
    clientId: string,
    secret: string,
    auth: Auth,
    token: string,
  ): Promise<Record<'token' | 'introspect' | 'revoke', Answer>> {
    const client = { client_id: clientId };
    const read = async (response: Response): Promise<Answer> => {
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Json) : {} };
    };
    const presented = authOf(secret, auth);
    return {
      token: await read(
        await oauth.clientCredentialsGrantRequest(as, client, presented, {}, INSECURE),
      ),
      introspect: await read(
        await oauth.introspectionRequest(as, client, presented, token, INSECURE),
      ),
      revoke: await read(await oauth.revocationRequest(as, client, presented, token, INSECURE)),
    };
  }

  /**
   * The secret authenticates the client at the three endpoints (`working`: a secret that gets the
   * access token /introspect and /revoke are asked about).
   */
  async function expectAccepted(clientId: string, secret: string, auth: Auth, working: string) {
    const token = await accessToken(clientId, working);
    const answered = await answers(clientId, secret, auth, token);
    expect(answered).toEqual({
      token: {
        status: 200,
        body: expect.objectContaining({ access_token: expect.any(String) }) as unknown,
      },
      introspect: {
        status: 200,
        body: expect.objectContaining({ active: true, client_id: clientId }) as unknown,
      },
      revoke: { status: 200, body: {} },
    });
  }

  /** The secret is refused at the three endpoints: 401 invalid_client, nothing else said. */
  async function expectRefused(clientId: string, secret: string, auth: Auth, working: string) {
    const token = await accessToken(clientId, working);
    const refused = {
      status: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed' },
    };
    expect(await answers(clientId, secret, auth, token)).toEqual({
      token: refused,
      introspect: refused,
      revoke: refused,
    });
  }

  it('both secrets work during the overlap, with either method; the previous one is refused once it ends', async () => {
    const previous = await addMachineClient('rolling');
    await expectAccepted('rolling', previous, 'basic', previous);

    t.clock.freeze();
    const next = await rotate('rolling', '1h');
    expect(next).not.toBe(previous);

    for (const auth of ['basic', 'post'] as const) {
      await expectAccepted('rolling', previous, auth, next);
      await expectAccepted('rolling', next, auth, next);
    }
    const listed = await adminJson<Json[]>(['clients', 'secrets', 'rolling']);
    const rotatedAt = t.clock.now().getTime();
    expect(listed).toEqual([
      {
        id: expect.any(String),
        created_at: new Date(rotatedAt).toISOString(),
        expires_at: null,
        expired: false,
      },
      {
        id: expect.any(String),
        created_at: expect.any(String),
        expires_at: new Date(rotatedAt + HOUR * 1000).toISOString(),
        expired: false,
      },
    ]);

    // One second before the end it still works (and its verdict is remembered) ...
    t.clock.advance(HOUR - 1);
    await expectAccepted('rolling', previous, 'basic', next);
    // ... at the end, time decides: refused, whatever was remembered of it.
    t.clock.advance(1);
    await expectRefused('rolling', previous, 'basic', next);
    await expectRefused('rolling', previous, 'post', next);
    await expectAccepted('rolling', next, 'basic', next);
    await expectAccepted('rolling', next, 'post', next);
    expect(await adminJson<Json[]>(['clients', 'secrets', 'rolling'])).toEqual([
      expect.objectContaining({ expires_at: null, expired: false }),
      expect.objectContaining({ expired: true }),
    ]);
  });

  it('--overlap 0 stops the previous secret at once', async () => {
    const previous = await addMachineClient('stopped');
    await expectAccepted('stopped', previous, 'basic', previous);

    const next = await rotate('stopped', '0');

    await expectRefused('stopped', previous, 'basic', next);
    await expectRefused('stopped', previous, 'post', next);
    await expectAccepted('stopped', next, 'post', next);
    const listed = await adminJson<Json[]>(['clients', 'secrets', 'stopped']);
    expect(listed).toEqual([expect.objectContaining({ expires_at: null, expired: false })]);
  });

  it('a rotation within an overlap ends the one before it: never three secrets', async () => {
    const first = await addMachineClient('twice');
    const second = await rotate('twice', '24h');
    const third = await rotate('twice', '2h');

    await expectRefused('twice', first, 'basic', third);
    await expectAccepted('twice', second, 'basic', third);
    await expectAccepted('twice', third, 'basic', third);
    expect(await adminJson<Json[]>(['clients', 'secrets', 'twice'])).toHaveLength(2);
  });

  it('two rotations at once both land: both new secrets work, none lost, no third left', async () => {
    let before = [await addMachineClient('racing')];

    // A few rounds: each time both rotations read the secrets before either writes them.
    for (let round = 0; round < 3; round++) {
      const runs = await Promise.all(
        [0, 1].map(() =>
          adminCli(t, ['clients', 'rotate-secret', 'racing', '--overlap', '1h', '--json']),
        ),
      );

      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      const secrets = runs.map((run) => (JSON.parse(run.stdout) as Json).client_secret as string);
      // Written blindly, one rotation would undo the other: its secret would never work, and the
      // secret before them both would live on beside the other's.
      for (const secret of secrets) await expectAccepted('racing', secret, 'basic', secrets[0]);
      for (const secret of before) await expectRefused('racing', secret, 'basic', secrets[0]);
      expect(await adminJson<Json[]>(['clients', 'secrets', 'racing'])).toHaveLength(2);
      before = secrets;
    }
  });

  it('refuses an overlap past CLIENT_SECRET_OVERLAP_MAX_SECONDS, changing nothing', async () => {
    const secret = await addMachineClient('capped');

    const refused = await adminCli(t, ['clients', 'rotate-secret', 'capped', '--overlap', '31d']);

    expect(refused).toMatchObject({
      code: 1,
      stderr:
        'proofgate-admin: the previous secret may keep working at most 30d (CLIENT_SECRET_OVERLAP_MAX_SECONDS: 2592000 s), not 31d\n',
    });
    await expectAccepted('capped', secret, 'basic', secret);
    expect(await adminJson<Json[]>(['clients', 'secrets', 'capped'])).toHaveLength(1);
  });

  it('a secret stored by release 1.0.0 (a bare hash) keeps working, lists, and rotates with an overlap', async () => {
    const legacy = 'a-secret-stored-by-release-1.0.0';
    const hasher = t.app.get(PasswordHasher);
    await t.connection.collection('oauth_clients').insertOne({
      _id: 'legacy' as never,
      type: 'confidential',
      name: 'legacy',
      redirectUris: [],
      grantTypes: ['client_credentials'],
      secretHash: await hasher.hash(legacy),
      origins: [],
    });
    await expectAccepted('legacy', legacy, 'basic', legacy);
    const [before] = await adminJson<Json[]>(['clients', 'secrets', 'legacy']);
    expect(before).toEqual({
      id: expect.any(String),
      created_at: null,
      expires_at: null,
      expired: false,
    });
    expect(await adminJson<Json[]>(['clients', 'secrets', 'legacy'])).toEqual([before]);

    const next = await rotate('legacy', '1h');

    await expectAccepted('legacy', legacy, 'post', next);
    await expectAccepted('legacy', next, 'post', next);
    const after = await adminJson<Json[]>(['clients', 'secrets', 'legacy']);
    expect(after[1]).toMatchObject({ id: before.id, created_at: null });
    expect(after[1].expires_at).toEqual(expect.any(String));

    // Release 1.0.0's CLI, during a rolling upgrade, rotates by rewriting the bare hash: its
    // secret, then, is the only one (its rotation stops the others at once, as it always did).
    const fromOldCli = 'a-secret-the-1.0.0-cli-made';
    await t.connection
      .collection('oauth_clients')
      .updateOne(
        { _id: 'legacy' as never },
        { $set: { secretHash: await hasher.hash(fromOldCli) } },
      );
    await expectAccepted('legacy', fromOldCli, 'basic', fromOldCli);
    await expectRefused('legacy', next, 'basic', fromOldCli);
    await expectRefused('legacy', legacy, 'basic', fromOldCli);
  });
});
