/**
 * Passkeys that prove hardware (issue #79): a registration's attestation statement verified and
 * its chain checked against the operator's trust list (PASSKEY_TRUSTED_ATTESTATION_ROOTS), a
 * passkey hardware-bound when that chain is trusted and its backup-eligible flag clear. Its
 * sign-ins achieve `acr` `phrh` and say `amr` `hwk`; every other passkey keeps `phr` and `pop`.
 * The software authenticator signs `packed` attestations with a test CA made per run
 * (test/support/attestation-ca.ts); the browser's side is the login page, as in passkey-amr.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import {
  type PackedAttestation,
  SoftwareAuthenticator,
} from '../../../src/lab-client/software-authenticator';
import {
  type TestCertificate,
  packedAttestation,
  pemOf,
  rootCa,
  settingFile,
} from '../../support/attestation-ca';
import { accountToken } from '../../support/accounts';
import { attemptRegistration } from '../../support/passkeys';
import {
  type Agent,
  DEMO_CLIENT,
  authorizePath,
  exchangeCode,
  getMe,
  introspect,
  obtainCode,
  pkcePair,
} from '../../support/oauth';
import { createTestApp, type TestApp } from '../../support/test-app';
import { bootedTestApp, useBooted } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';
const MODEL = '2fc0579f-8113-47ea-b116-bb5a8db9202a';
const OTHER_MODEL = 'ee882879-721c-4913-9775-3dfcce97072a';

/** The block's app, booted with a trust list of a root made for the run. */
function useAttestingApp(env: Record<string, string>): {
  t: TestApp;
  root: () => TestCertificate;
} {
  let root: TestCertificate | undefined;
  const booted = useBooted(
    async () => {
      root = await rootCa('Proofgate Test Attestation Root');
      return createTestApp({
        ISSUER,
        RATE_LIMIT_LOGIN_PER_IP: '1000',
        PASSKEY_ATTESTATION: 'direct',
        PASSKEY_TRUSTED_ATTESTATION_ROOTS: settingFile('roots.pem', pemOf(root)),
        ...env,
      });
    },
    (t) => t.close(),
  );
  return {
    t: bootedTestApp(booted),
    root: () => {
      if (root === undefined) throw new Error('the root is made in beforeAll');
      return root;
    },
  };
}

const authenticator = (attestation: 'none' | 'self' | PackedAttestation, synced = false) =>
  new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER, attestation, synced });

const register = attemptRegistration;

/** Signs `browser` in on the login page with `device`'s passkey. */
async function passkeySignIn(t: TestApp, browser: Agent, device: SoftwareAuthenticator) {
  const page = await browser.get('/login').expect(200);
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
  const challenge = await browser.post('/passkeys/authentication/options').send({}).expect(200);
  const response = device.assert(challenge.body as { challenge: string });
  await browser
    .post('/login/passkey')
    .send({ response, csrf_token: csrf, return_to: '/' })
    .expect(200);
}

describe('hardware-bound passkeys: attestation verified against the trust list, acr phrh, amr hwk', () => {
  const { t, root } = useAttestingApp({ ACR_REQUIRED_BY_SCOPE: '{"profile":"phrh"}' });

  /** A browser signed in with `device`, and the tokens of an OpenID Connect request of demo-client. */
  async function signInAndTokens(device: SoftwareAuthenticator, scope = 'openid') {
    const browser: Agent = request.agent(t.app.getHttpServer());
    await passkeySignIn(t, browser, device);
    const { code, verifier } = await obtainCode(browser, { scope, nonce: 'n-hw' });
    const tokens = await exchangeCode(t.app.getHttpServer(), code, verifier).expect(200);
    const accessToken = tokens.body.access_token as string;
    const introspection = await introspect(t, accessToken, DEMO_CLIENT).expect(200);
    return {
      browser,
      idToken: decodeJwt(tokens.body.id_token as string),
      accessToken: decodeJwt(accessToken),
      introspection: introspection.body as Record<string, unknown>,
    };
  }

  it('registration options carry PASSKEY_ATTESTATION; a packed attestation chained to the trust list, not backup eligible: hardware-bound, its sign-ins phrh and hwk in ID and access tokens', async () => {
    const device = authenticator(await packedAttestation(root(), MODEL));
    const token = await accountToken(t);
    const { verified, options } = await register(t, token, device);
    expect(options.attestation).toBe('direct');
    expect(verified.status).toBe(201);
    expect(verified.body).toMatchObject({ credential_id: device.id, hardware_bound: true });

    const methods = await t
      .http()
      .get('/account/methods')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(methods.body.methods).toContainEqual(
      expect.objectContaining({ method: `passkey:${device.id}`, hardware_bound: true }),
    );

    const { idToken, accessToken, introspection } = await signInAndTokens(device);
    expect(idToken).toMatchObject({ sub: 'user0', acr: 'phrh', amr: ['hwk', 'user'] });
    expect(accessToken.acr).toBe('phrh');
    expect(introspection).toMatchObject({ active: true, acr: 'phrh' });
  });

  it.each([
    ['a synced passkey (backup eligible) whose chain is trusted', true, 'trusted'],
    ['a self-attested passkey (packed without x5c)', false, 'self'],
    ['a passkey with no attestation', false, 'none'],
  ])('%s: a plain passkey, its sign-ins phr and pop', async (_, synced, kind) => {
    const attestation = kind === 'trusted' ? await packedAttestation(root(), MODEL) : kind;
    const device = authenticator(attestation as 'self' | 'none' | PackedAttestation, synced);
    const token = await accountToken(t);
    const { verified } = await register(t, token, device);
    expect(verified.status).toBe(201);
    expect(verified.body.hardware_bound).toBe(false);
    const { idToken, accessToken } = await signInAndTokens(device);
    expect(idToken).toMatchObject({ acr: 'phr', amr: ['pop', 'user'] });
    expect(accessToken.acr).toBe('phr');
  });

  it('an attestation chained to a root outside the trust list: accepted as a plain passkey', async () => {
    const outsider = await rootCa('Unlisted Root');
    const device = authenticator(await packedAttestation(outsider, MODEL));
    const { verified } = await register(t, await accountToken(t), device);
    expect(verified.status).toBe(201);
    expect(verified.body.hardware_bound).toBe(false);
  });

  it('an attestation statement that does not verify: 400 invalid_attestation, and the challenge is spent', async () => {
    const device = authenticator(await packedAttestation(root(), MODEL));
    const token = await accountToken(t);
    const { verified, options } = await register(t, token, device, { corruptAttestation: true });
    expect(verified.status).toBe(400);
    expect(verified.body).toEqual({
      error: 'invalid_attestation',
      error_description: expect.stringContaining('attestation statement does not verify') as string,
    });
    // The same challenge, now with a statement that verifies: it was spent by the refusal.
    const again = await t
      .http()
      .post('/passkeys/registration/verify')
      .set('Authorization', `Bearer ${token}`)
      .send(device.register(options));
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('challenge_already_used');
  });

  it('the direct API sign-in (POST /passkeys/authentication/verify) of a hardware-bound passkey: a phrh access token', async () => {
    const device = authenticator(await packedAttestation(root(), MODEL));
    await register(t, await accountToken(t), device);
    const challenge = await t.http().post('/passkeys/authentication/options').send({}).expect(200);
    const signedIn = await t
      .http()
      .post('/passkeys/authentication/verify')
      .send({ response: device.assert(challenge.body as { challenge: string }) })
      .expect(200);
    const accessToken = signedIn.body.access_token as string;
    expect(decodeJwt(accessToken).acr).toBe('phrh');
    await getMe(t, accessToken).expect(200);
  });

  describe('step-up to phrh (RFC 9470): only a hardware-bound passkey meets it', () => {
    const essential = (acr: string) =>
      JSON.stringify({ id_token: { acr: { essential: true, values: [acr] } } });

    /** /authorize of demo-client in `browser` with `params`: where it sends the browser. */
    async function authorize(browser: Agent, params: Record<string, string>) {
      const res = await browser
        .get(
          authorizePath({
            client_id: DEMO_CLIENT.id,
            redirect_uri: DEMO_CLIENT.redirectUri,
            response_type: 'code',
            state: 's',
            code_challenge: pkcePair().challenge,
            code_challenge_method: 'S256',
            ...params,
          }),
        )
        .expect(302);
      return new URL(res.headers.location, ISSUER);
    }

    it('an essential acr claim of phrh: a phr sign-in is sent to the passkey step, offered only the hardware-bound passkeys', async () => {
      const token = await accountToken(t);
      const hardware = authenticator(await packedAttestation(root(), MODEL));
      const synced = authenticator(await packedAttestation(root(), MODEL), true);
      await register(t, token, hardware);
      await register(t, token, synced);
      const browser: Agent = request.agent(t.app.getHttpServer());
      await passkeySignIn(t, browser, synced);
      const sent = await authorize(browser, { scope: 'openid', claims: essential('phrh') });
      expect(sent.pathname).toBe('/login');
      expect(sent.searchParams.get('acr_values')).toBe('phrh');
      const page = await browser.get(`${sent.pathname}${sent.search}`).expect(200);
      expect(page.text).toContain('id="step-up"');
      const allowed = /data-allow-credentials="([^"]*)"/.exec(page.text)?.[1].split(' ');
      expect(allowed).toContain(hardware.id);
      expect(allowed).not.toContain(synced.id);
      // The password form is not offered for phrh.
      expect(page.text).toMatch(/<form method="post" action="\/login" id="login-form" hidden>/);
      // prompt=none cannot ask: unmet_authentication_requirements.
      const none = await authorize(browser, {
        scope: 'openid',
        claims: essential('phrh'),
        prompt: 'none',
      });
      expect(none.searchParams.get('error')).toBe('unmet_authentication_requirements');
    });

    it('a phrh sign-in meets an essential phrh and an essential phr claim alike', async () => {
      const device = authenticator(await packedAttestation(root(), MODEL));
      await register(t, await accountToken(t), device);
      const browser: Agent = request.agent(t.app.getHttpServer());
      await passkeySignIn(t, browser, device);
      for (const acr of ['phrh', 'phr']) {
        const back = await authorize(browser, { scope: 'openid', claims: essential(acr) });
        expect(back.searchParams.get('code')).toEqual(expect.any(String));
      }
    });

    it('ACR_REQUIRED_BY_SCOPE {"profile":"phrh"}: a phr session is sent to sign in again, a phrh one gets its tokens', async () => {
      const token = await accountToken(t);
      const synced = authenticator('self');
      const hardware = authenticator(await packedAttestation(root(), MODEL));
      await register(t, token, synced);
      await register(t, token, hardware);
      const browser: Agent = request.agent(t.app.getHttpServer());
      await passkeySignIn(t, browser, synced);
      const sent = await authorize(browser, { scope: 'openid profile' });
      expect(sent.pathname).toBe('/login');
      expect(sent.searchParams.get('acr_values')).toBe('phrh');
      const { idToken } = await signInAndTokens(hardware, 'openid profile');
      expect(idToken.acr).toBe('phrh');
    });
  });
});

describe('PASSKEY_REQUIRE_HARDWARE and PASSKEY_ALLOWED_AAGUIDS: registrations refused for what they prove', () => {
  const { t, root } = useAttestingApp({
    PASSKEY_REQUIRE_HARDWARE: 'true',
    PASSKEY_ALLOWED_AAGUIDS: MODEL,
    ACCOUNT_CHANGES_REQUIRE_PHR: 'phrh',
  });

  async function refusal(device: SoftwareAuthenticator) {
    // user1: an account without a passkey yet (the last test adds one), whose changes need only
    // a recent login.
    const { verified } = await register(t, await accountToken(t, 'user1'), device);
    expect(verified.status).toBe(400);
    expect(verified.body.error).toBe('untrusted_attestation');
    return verified.body.error_description as string;
  }

  it("the comparison's hardware-bound passkey states these settings (GET /challenge-models/passkey)", async () => {
    const passkey = await t.http().get('/challenge-models/passkey').expect(200);
    expect(passkey.body.variants[0]).toMatchObject({
      id: 'passkey_hardware_bound',
      settings: {
        attestation: 'PASSKEY_ATTESTATION=direct: registrations ask for the attestation',
        trust_list: '1 root certificate (PASSKEY_TRUSTED_ATTESTATION_ROOTS)',
        registration: 'PASSKEY_REQUIRE_HARDWARE=true: only hardware-bound passkeys register',
        models: '1 authenticator model (PASSKEY_ALLOWED_AAGUIDS), proven by a trusted attestation',
      },
    });
  });

  it('a chain outside the trust list: 400 untrusted_attestation, naming why', async () => {
    const outsider = await rootCa('Unlisted Root');
    await expect(refusal(authenticator(await packedAttestation(outsider, MODEL)))).resolves.toMatch(
      /registers only the authenticator models it lists .* does not chain to a root this service trusts/,
    );
  });

  it('a self-attestation, a synced passkey: refused as not hardware-bound', async () => {
    await expect(refusal(authenticator('self'))).resolves.toContain('self-attestation');
    await expect(
      refusal(authenticator(await packedAttestation(root(), MODEL), true)),
    ).resolves.toContain(
      'registers only hardware-bound passkeys (PASSKEY_REQUIRE_HARDWARE), and this one is not: it is backup eligible',
    );
  });

  it('an attested model outside PASSKEY_ALLOWED_AAGUIDS: refused', async () => {
    await expect(
      refusal(authenticator(await packedAttestation(root(), OTHER_MODEL))),
    ).resolves.toContain(`AAGUID ${OTHER_MODEL} is not one of them`);
  });

  it('ACCOUNT_CHANGES_REQUIRE_PHR=phrh: an account with a hardware-bound passkey is changed only after a sign-in with one', async () => {
    const device = authenticator(await packedAttestation(root(), MODEL));
    const { verified } = await register(t, await accountToken(t, 'user1'), device);
    expect(verified.status).toBe(201);
    expect(verified.body.hardware_bound).toBe(true);
    // A fresh password login of the same account: not enough any more.
    const refused = await t
      .http()
      .post('/passkeys/registration/options')
      .set('Authorization', `Bearer ${await accountToken(t, 'user1')}`)
      .send({});
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('insufficient_user_authentication');
    expect(refused.headers['www-authenticate']).toContain('acr_values="phrh"');
  });
});
