/**
 * examples/identity-wallet.mjs, run as users run it (its own process) against the service on a
 * real port: it issues itself a PID with the published demo issuer key, asks for a request as
 * demo-spa's script, answers it as the wallet (the x509_hash: request object, signed), polls
 * with its handle and prints the ID token's claims and /api/me; run again (a new holder key, the
 * same personal administrative number), it signs in to the same account.
 */
import { join } from 'node:path';
import { freePort, runScript } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';

const ROOT = join(__dirname, '..', '..', '..');
const SCRIPT = join(ROOT, 'examples', 'identity-wallet.mjs');

describe('examples/identity-wallet.mjs', () => {
  let t: TestApp;
  let issuer: string;
  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({}, 'localhost'));
  });
  afterAll(() => t.close());

  /** The script's run: its output's JSON documents (the ID token's claims, /api/me). */
  async function documentsOfRun() {
    const run = await runScript(SCRIPT, { PROOFGATE_URL: issuer });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Authorization request \(a link, or a QR code for a phone\):\nopenid4vp:\/\/\?client_id=x509_hash%3A/,
    );
    // The query asks for the personal administrative number first: it keys the account.
    expect(run.stdout).toContain(
      'The wallet disclosed personal_administrative_number, given_name, family_name, birthdate to x509_hash:',
    );
    return run.stdout
      .slice(run.stdout.indexOf('{'))
      .split(/\n(?=\{)/)
      .map((part) => JSON.parse(part) as Record<string, Record<string, unknown>>);
  }

  it('signs in end to end with a self-issued demo PID, and prints the ID token and /api/me', async () => {
    const documents = await documentsOfRun();
    expect(documents[0].id_token).toEqual({
      iss: issuer,
      sub: expect.stringMatching(/^account:/),
      amr: ['pop'],
      given_name: 'Alice',
      family_name: 'Example',
      birthdate: '1990-04-01',
    });
    expect(documents[1]).toMatchObject({
      sub: documents[0].id_token.sub,
      auth_method: 'oid4vp',
      client_id: 'demo-spa',
    });
    // Another run, another holder key, the same person's number: the same account.
    expect((await documentsOfRun())[0].id_token.sub).toBe(documents[0].id_token.sub);
  });

  it('without a server says in one line how to start one', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await runScript(SCRIPT, { PROOFGATE_URL: closed });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `No Proofgate answers at ${closed} (ECONNREFUSED): start one with \`npm start\`, or set PROOFGATE_URL.\n`,
    );
  });
});
