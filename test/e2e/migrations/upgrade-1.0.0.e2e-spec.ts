/**
 * The upgrade test (issue #78): a database as an earlier release's own code wrote it
 * (test/fixtures/upgrade-1.0.0, tools/upgrade-fixture/generate.ts: a password user, a client with
 * a secret, its signing keys, issued tokens with a refresh token, a passkey, a wallet, an email
 * address with a Unicode domain) is loaded into a fresh database; two instances of the current
 * build start on it at once, as a rolling deployment does, and migrate it (each migration run and
 * recorded once); then what its users and clients had works as before: the password user signs
 * in through the client, which authenticates with its old secret, the refresh token from before
 * rotates, the signing key from before verifies the old tokens and is still in the JWKS, the
 * passkey and the wallet sign in, and the email address finds its account under its new key. A
 * start on a database whose data version is above the build's is refused with one line.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { mongo } from 'mongoose';
import { privateKeyToAccount } from 'viem/accounts';
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { SERVICE_VERSION } from '../../../src/platform/version';
import { sharedBuild, startBuiltService } from '../../support/build';
import { CookieBrowser } from '../../support/cookie-browser';
import { signInByEmailAt } from '../../support/email';
import { runScript } from '../../support/processes';
import { loadUpgradeFixture, upgradeFixture } from '../../support/upgrade-fixture';
import { basicAuthorization, codeFlow } from '../../../tools/upgrade-fixture/code-flow';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { testDatabaseUri } = require('../../setup/test-database-uri') as {
  testDatabaseUri: (base: string | undefined, name: string) => string;
};

jest.setTimeout(180_000);

const fixture = upgradeFixture();
const basic = basicAuthorization(fixture.client);

describe('migrations: an upgrade from the 1.0.0 fixture', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;
  let dist: string;
  const children: ChildProcess[] = [];
  let issuer: string;
  /** Both instances' origins: either one's outbox poller may send a mail the other queued. */
  let origins: string[];
  let outputs: (() => string)[];
  let env: Record<string, string>;

  /** A fresh database of the spec's server, named for `label`. */
  const databaseUri = (label: string) =>
    testDatabaseUri(
      process.env.PROOFGATE_TEST_MONGODB_BASE ?? process.env.MONGODB_URI,
      `proofgate_test_upgrade_${label}_${randomBytes(4).toString('hex')}`,
    );

  beforeAll(async () => {
    const uri = databaseUri('fixture');
    client = await mongo.MongoClient.connect(uri);
    db = client.db();
    await loadUpgradeFixture(db, fixture);
    dist = await sharedBuild();
    env = {
      MONGODB_URI: uri,
      // The fixture's: its signing keys open with it alone.
      KEY_ENCRYPTION_SECRET: fixture.keyEncryptionSecret,
      // The mail catcher at /dev/mailbox, as `npm start` runs it; no demo data.
      NODE_ENV: 'development',
      SEED_DEMO_DATA: 'false',
      LOG_LEVEL: 'info',
      SHUTDOWN_GRACE_SECONDS: '1',
      // The start's database check, not what this spec is about: a test database on a loaded CI
      // machine once took over the default 3 s to answer the refusal's run.
      MONGODB_SERVER_SELECTION_TIMEOUT_MS: '20000',
    };
    // Two instances at once, as a rolling deployment starts them.
    const started = await Promise.all(
      [0, 1].map(() => startBuiltService(dist, env, (child) => children.push(child))),
    );
    origins = started.map((service) => `http://localhost:${service.port}`);
    issuer = origins[0];
    outputs = started.map((service) => service.output);
  });

  afterAll(async () => {
    for (const child of children) child.kill('SIGTERM');
    await db?.dropDatabase();
    await client?.close();
  });

  it('migrates once: each migration run by one instance and recorded once, at the build version', async () => {
    const record = await db.collection('data_version').findOne({ _id: 'proofgate' as never });
    expect(record).toMatchObject({ version: 2, since: 0 });
    const applied = (record!.migrations as { id: number; name: string; by: string }[]).map(
      ({ id, name }) => [id, name],
    );
    expect(applied).toEqual([
      [1, 'baseline-1-0-0'],
      [2, 'canonical-email-keys'],
    ]);
    const all = outputs.map((output) => output()).join('\n');
    expect(all.match(/Email method keys rewritten to their ASCII form: 1/g)).toHaveLength(1);
    expect(all.match(/Migrated the database from data version 0 to 2/g)).toHaveLength(1);
    // The lease was released.
    expect(await db.collection('data_version').countDocuments()).toBe(1);
  });

  it('signs the password user in through the client, which authenticates with its old secret', async () => {
    const tokens = await codeFlow(issuer, { ...fixture, scope: 'openid profile' });
    expect(decodeJwt(String(tokens.id_token)).sub).toBe(fixture.user.username);
  });

  it('rotates the refresh token issued before the upgrade', async () => {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: basic },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: fixture.tokens.refreshToken,
      }),
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(body.refresh_token).toEqual(expect.any(String));
    expect(body.refresh_token).not.toBe(fixture.tokens.refreshToken);
    expect(decodeJwt(String(body.access_token)).sub).toBe(fixture.user.username);
  });

  it('verifies the tokens signed before the upgrade with the key from before, still in the JWKS', async () => {
    const jwks = (await (await fetch(`${issuer}/jwks.json`)).json()) as JSONWebKeySet;
    const keys = createLocalJWKSet(jwks);
    for (const token of [fixture.tokens.idToken, fixture.tokens.accessToken]) {
      const { kid } = decodeProtectedHeader(token);
      expect(jwks.keys.map((key) => key.kid)).toContain(kid);
      // As of its issue: its lifetime has passed since, its signature has not changed.
      const { iat } = decodeJwt(token);
      const { payload } = await jwtVerify(token, keys, {
        issuer: fixture.issuer,
        currentDate: new Date(iat! * 1000),
      });
      expect(payload.sub).toBe(fixture.user.username);
    }
  });

  it('signs the passkey registered before the upgrade in', async () => {
    const options = await post('/passkeys/authentication/options', {});
    expect(options.status).toBe(200);
    const authenticator = new SoftwareAuthenticator({
      rpId: 'localhost',
      origin: issuer,
      saved: fixture.passkey,
    });
    const verified = await post('/passkeys/authentication/verify', {
      response: authenticator.assert((await options.json()) as { challenge: string }),
    });
    expect(verified.status).toBe(200);
    const tokens = (await verified.json()) as Record<string, unknown>;
    expect(decodeJwt(String(tokens.access_token)).sub).toBe(fixture.user.username);
  });

  it('signs the wallet that signed in before the upgrade in again, as the same subject', async () => {
    const wallet = privateKeyToAccount(fixture.wallet.privateKey);
    const issued = await post('/wallet/nonce', { address: wallet.address, chainId: 1 });
    expect(issued.status).toBe(201);
    const { message } = (await issued.json()) as { message: string };
    const verified = await post('/wallet/verify', {
      message,
      signature: await wallet.signMessage({ message }),
    });
    expect(verified.status).toBe(200);
    const tokens = (await verified.json()) as Record<string, unknown>;
    const walletGrant = await db.collection('grants').findOne({ clientId: 'wallet' });
    expect(decodeJwt(String(tokens.access_token)).sub).toBe(walletGrant!.sub);
  });

  it('finds the email address stored with its Unicode domain under its ASCII key, and signs its account in by it', async () => {
    expect(
      await db
        .collection('account_methods')
        .findOne({ _id: 'email:alice@xn--exmple-cua.com' as never }),
    ).toMatchObject({ type: 'email', sub: fixture.user.username });
    expect(
      await db.collection('account_methods').findOne({ _id: `email:${fixture.email}` as never }),
    ).toBeNull();
    const browser = new CookieBrowser();
    await signInByEmailAt(issuer, browser, fixture.email, origins);
    const page = await (await browser.get(`${issuer}/login`)).text();
    expect(/Signed in as <strong>([^<]+)<\/strong>/.exec(page)?.[1]).toBe(fixture.user.username);
  });

  it('refuses to start on a database whose data version is above the build, with one line naming both', async () => {
    const uri = databaseUri('newer');
    const newer = await mongo.MongoClient.connect(uri);
    try {
      await loadUpgradeFixture(newer.db(), fixture);
      await newer
        .db()
        .collection('data_version')
        .insertOne({
          _id: 'proofgate',
          version: 99,
          since: 99,
          createdAt: new Date(),
          migrations: [],
        } as never);
      const run = await runScript(join(dist, 'main.js'), { ...env, MONGODB_URI: uri, PORT: '0' });
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `The database's data version is 99, newer than this build's 2 (Proofgate ${SERVICE_VERSION}): a later release has migrated it. Start that release or a later one; this one does not serve a database it cannot read.\n`,
      );
      expect(await newer.db().collection('data_version').findOne()).toMatchObject({ version: 99 });
    } finally {
      await newer.db().dropDatabase();
      await newer.close();
    }
  });

  const post = (path: string, body: unknown) =>
    fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
});
