/**
 * The passkey JSON API (WebAuthn Level 3 with @simplewebauthn/server), driven by a software
 * authenticator (ES256, `none` attestation) that builds its responses byte by byte: adding a
 * passkey with an account-scoped token of a recent login, signing in with it, and every refusal
 * the issue names (replay, the other ceremony's challenge, origin, RP ID, user presence, unknown
 * credential, a counter that goes backwards, with the zero-counter rule).
 */
import request from 'supertest';
import { sample } from '../../support/metrics';
import { passkeyMethodKey } from '../../../src/accounts/account';
import { AccountService } from '../../../src/accounts/account.service';
import { SecurityEventLog } from '../../../src/telemetry/security-events/security-event.log';
import { accountToken as accountTokenOf } from '../../support/accounts';
import { DEMO_CLIENT, login, type Agent, PARTNER, clientEntry, getMe } from '../../support/oauth';
import { FLAGS, SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';
const RP_ID = 'localhost';

interface CreationOptions {
  challenge: string;
  rp: { id: string; name: string };
  user: { id: string; name: string };
  authenticatorSelection: Record<string, unknown>;
  attestation: string;
  excludeCredentials: { id: string }[];
}

describe('passkeys: the JSON API', () => {
  let events: SecurityEventLog;

  const t = useTestApp({
    ISSUER,
    RATE_LIMIT_LOGIN_PER_IP: '1000',
    OAUTH_CLIENTS: JSON.stringify([clientEntry(PARTNER)]),
  });
  beforeAll(() => {
    events = t.app.get(SecurityEventLog);
  });

  const server = () => t.app.getHttpServer();

  /** An access token of a fresh password login of `username`, for demo-client (first-party). */
  const accountToken = (username = 'user0', scope = 'openid account') =>
    accountTokenOf(t, username, scope);

  const creationOptions = (token: string) =>
    t
      .http()
      .post('/passkeys/registration/options')
      .set('Authorization', `Bearer ${token}`)
      .send({});

  /** Registers the authenticator's passkey on the token's account; resolves to the answer. */
  async function registered(token: string, authenticator: SoftwareAuthenticator) {
    const options = (await creationOptions(token).expect(200)).body as CreationOptions;
    return t
      .http()
      .post('/passkeys/registration/verify')
      .set('Authorization', `Bearer ${token}`)
      .send(authenticator.register(options))
      .then((res) => res);
  }

  async function requestOptions(): Promise<{ challenge: string }> {
    const res = await t.http().post('/passkeys/authentication/options').send({}).expect(200);
    return res.body as { challenge: string };
  }

  /** The credential record as stored: the counter last seen, and when a sign-in last wrote it. */
  async function stored(authenticator: SoftwareAuthenticator) {
    const method = await t.app.get(AccountService).findMethod(passkeyMethodKey(authenticator.id));
    return { counter: method?.passkey?.counter, lastUsedAt: method?.lastUsedAt };
  }

  const verify = (response: unknown, extra: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/passkeys/authentication/verify')
      .send({ response, ...extra });

  async function newPasskey(options: { counts?: boolean; synced?: boolean } = {}) {
    const authenticator = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER, ...options });
    expect((await registered(await accountToken(), authenticator)).status).toBe(201);
    return authenticator;
  }

  describe('registration', () => {
    it('without a token: 401 with a Bearer challenge', async () => {
      const res = await t.http().post('/passkeys/registration/options').send({}).expect(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="proofgate"/);
    });

    it('with a token lacking the account scope: 403 insufficient_scope', async () => {
      const res = await creationOptions(await accountToken('user0', 'openid profile'));
      expectRefusal(
        res,
        403,
        'insufficient_scope',
        'The access token lacks the account scope, which changing the account requires',
      );
      expect(res.headers['www-authenticate']).toContain('scope="account"');
    });

    it('with a login older than 10 minutes: 401 insufficient_user_authentication and max_age (RFC 9470)', async () => {
      const token = await accountToken();
      t.clock.advance(601);
      try {
        const res = await creationOptions(token).expect(401);
        expect(res.body.error).toBe('insufficient_user_authentication');
        expect(res.headers['www-authenticate']).toBe(
          'Bearer realm="proofgate", error="insufficient_user_authentication", error_description="Changing the account needs a login at most 600 seconds old; sign in again", max_age="600"',
        );
      } finally {
        t.clock.advance(-601);
      }
    });

    it('the account scope is granted to first-party clients only: invalid_scope at authorize', async () => {
      const agent: Agent = request.agent(server());
      await login(agent);
      const res = await agent
        .get(
          `/authorize?response_type=code&client_id=${PARTNER.id}&redirect_uri=${encodeURIComponent(PARTNER.redirectUri)}&state=s1&scope=account&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256`,
        )
        .expect(302);
      const location = new URL(res.headers.location);
      expect(location.searchParams.get('error')).toBe('invalid_scope');
      expect(location.searchParams.get('error_description')).toBe(
        'The account scope is granted to first-party clients only',
      );
      const metadata = await t.http().get('/.well-known/oauth-authorization-server').expect(200);
      expect(metadata.body.scopes_supported).toContain('account');
    });

    it('creation options: resident key required, user verification preferred, no attestation, own passkeys excluded', async () => {
      const token = await accountToken('user1');
      const first = (await creationOptions(token).expect(200)).body as CreationOptions;
      expect(first.rp).toEqual({ id: RP_ID, name: 'Proofgate' });
      expect(first.user.name).toBe('user1');
      expect(first.authenticatorSelection).toMatchObject({
        residentKey: 'required',
        requireResidentKey: true,
        userVerification: 'preferred',
      });
      expect(first.attestation).toBe('none');
      expect(first.excludeCredentials).toEqual([]);

      const authenticator = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
      const res = await t
        .http()
        .post('/passkeys/registration/verify')
        .set('Authorization', `Bearer ${token}`)
        .send(authenticator.register(first))
        .expect(201);
      expect(res.body).toEqual({
        credential_id: authenticator.id,
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        // `none` attestation (the default): nothing proves what holds the key.
        hardware_bound: false,
      });
      const second = (await creationOptions(token).expect(200)).body as CreationOptions;
      expect(second.excludeCredentials.map((c) => c.id)).toEqual([authenticator.id]);
    });

    it('a passkey already on another account: 409 method_already_linked', async () => {
      const authenticator = await newPasskey();
      const res = await registered(await accountToken('user1'), authenticator);
      expectRefusal(
        res,
        409,
        'method_already_linked',
        'This passkey is already linked to another account',
      );
    });

    it.each([
      [
        'an unknown value',
        ['internal', 'telepathy'],
        'response.transports may hold only usb, nfc, ble, smart-card, hybrid, internal, cable',
      ],
      [
        'more than 10 values',
        Array.from({ length: 11 }, () => 'usb'),
        'response.transports holds at most 10 values',
      ],
      ['not an array', 'internal', 'response.transports must be an array'],
      [
        'a value that is not a string',
        [{ $gt: '' }],
        'response.transports may hold only usb, nfc, ble, smart-card, hybrid, internal, cable',
      ],
    ])(
      'transports holding %s: 400 invalid_request, nothing stored, the challenge left unspent',
      async (_what, transports, description) => {
        const token = await accountToken();
        const options = (await creationOptions(token).expect(200)).body as CreationOptions;
        const authenticator = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
        const genuine = authenticator.register(options);
        const malformed = { ...genuine, response: { ...genuine.response, transports } };
        const register = (body: unknown) =>
          t
            .http()
            .post('/passkeys/registration/verify')
            .set('Authorization', `Bearer ${token}`)
            .send(body as object);

        const res = await register(malformed);
        expectRefusal(res, 400, 'invalid_request', description);
        expect(
          await t.app.get(AccountService).findMethod(passkeyMethodKey(authenticator.id)),
        ).toBeNull();

        // The same challenge still registers the well-formed response.
        await register(genuine).expect(201);
        const stored = await t.app
          .get(AccountService)
          .findMethod(passkeyMethodKey(authenticator.id));
        expect(stored?.passkey?.transports).toEqual(['internal']);
        // user0 keeps room for the other tests' passkeys (20 methods at most).
        await t.app.get(AccountService).unlink('user0', passkeyMethodKey(authenticator.id));
      },
    );

    it('a member of `response` named as every object has (`constructor`): 400 naming it, the challenge left unspent', async () => {
      const token = await accountToken();
      const options = (await creationOptions(token).expect(200)).body as CreationOptions;
      const authenticator = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
      const genuine = JSON.stringify(authenticator.register(options));
      const register = (body: string) =>
        t
          .http()
          .post('/passkeys/registration/verify')
          .set('Authorization', `Bearer ${token}`)
          .type('json')
          .send(body);

      // class-transformer leaves such a name out of the DTO it builds: it used to pass unseen.
      const res = await register(genuine.replace('"response":{', '"response":{"constructor":"x",'));
      expectRefusal(res, 400, 'invalid_request', 'Unknown parameter: response.constructor');

      await register(genuine).expect(201);
      await t.app.get(AccountService).unlink('user0', passkeyMethodKey(authenticator.id));
    });

    it('a registration challenge issued to one account cannot register on another', async () => {
      const options = (await creationOptions(await accountToken('user1')).expect(200))
        .body as CreationOptions;
      const authenticator = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
      const res = await t
        .http()
        .post('/passkeys/registration/verify')
        .set('Authorization', `Bearer ${await accountToken('user0')}`)
        .send(authenticator.register(options));
      expectRefusal(res, 401, 'invalid_challenge', 'The challenge was issued to another account');
    });
  });

  describe('sign-in', () => {
    it('signs in: the token response, sub the account, auth_method passkey', async () => {
      const authenticator = await newPasskey();
      const options = await requestOptions();
      const res = await verify(authenticator.assert(options)).expect(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'profile' });
      const me = await getMe(t, res.body.access_token).expect(200);
      expect(me.body).toMatchObject({ sub: 'user0', auth_method: 'passkey', client_id: 'wallet' });
    });

    it('request options name no account (discoverable credentials)', async () => {
      const options = (await t.http().post('/passkeys/authentication/options').send({}).expect(200))
        .body as Record<string, unknown>;
      expect(options).toMatchObject({ rpId: RP_ID, userVerification: 'preferred' });
      expect(options.allowCredentials ?? []).toEqual([]);
    });

    it('a replayed assertion: 401 challenge_already_used, recorded as a security event', async () => {
      const authenticator = await newPasskey();
      const assertion = authenticator.assert(await requestOptions());
      await verify(assertion).expect(200);
      const before = await events.count('webauthn_challenge_replay');

      const res = await verify(assertion);

      expectRefusal(
        res,
        401,
        'challenge_already_used',
        'The challenge has already been used; start the ceremony again',
      );
      expect(await events.count('webauthn_challenge_replay')).toBe(before + 1);
    });

    it('a registration challenge cannot complete a sign-in, nor a sign-in challenge a registration', async () => {
      const authenticator = await newPasskey();
      const token = await accountToken();
      const creation = (await creationOptions(token).expect(200)).body as CreationOptions;
      const res = await verify(authenticator.assert({ challenge: creation.challenge }));
      expectRefusal(
        res,
        401,
        'invalid_challenge',
        'The challenge was not issued by this service for this ceremony',
      );

      const signIn = await requestOptions();
      const other = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
      const reg = await t
        .http()
        .post('/passkeys/registration/verify')
        .set('Authorization', `Bearer ${token}`)
        .send(other.register({ challenge: signIn.challenge, user: creation.user }))
        .expect(401);
      expect(reg.body.error).toBe('invalid_challenge');
      // The registration challenge was left for its own ceremony.
      await t
        .http()
        .post('/passkeys/registration/verify')
        .set('Authorization', `Bearer ${token}`)
        .send(other.register(creation))
        .expect(201);
    });

    it('a response of the other ceremony type: 401 invalid_challenge', async () => {
      const authenticator = await newPasskey();
      const res = await verify(
        authenticator.assert(await requestOptions(), { type: 'webauthn.create' }),
      );
      expectRefusal(
        res,
        401,
        'invalid_challenge',
        'The response belongs to the other WebAuthn ceremony',
      );
    });

    it('another origin (a phishing site): 401 origin_mismatch', async () => {
      const authenticator = await newPasskey();
      const res = await verify(
        authenticator.assert(await requestOptions(), { origin: 'https://proofgate.example.net' }),
      );
      expectRefusal(
        res,
        401,
        'origin_mismatch',
        'The response comes from an origin this service does not accept',
      );
    });

    it('another RP ID: 401 rp_id_mismatch', async () => {
      const authenticator = await newPasskey();
      const res = await verify(
        authenticator.assert(await requestOptions(), { rpId: 'example.com' }),
      );
      expectRefusal(
        res,
        401,
        'rp_id_mismatch',
        'The credential is scoped to another relying party (RP ID)',
      );
    });

    it('the user-presence flag missing: 401 user_not_present', async () => {
      const authenticator = await newPasskey();
      const res = await verify(authenticator.assert(await requestOptions(), { flags: FLAGS.UV }));
      expectRefusal(
        res,
        401,
        'user_not_present',
        'The authenticator did not confirm the user was present',
      );
    });

    it('an unknown credential: 401 unknown_credential, the challenge left unspent', async () => {
      const stranger = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
      const options = await requestOptions();
      const res = await verify(stranger.assert(options));
      expectRefusal(res, 401, 'unknown_credential', 'No account has this passkey');
      const known = await newPasskey();
      await verify(known.assert(options)).expect(200);
    });

    it('a user handle that is not the account’s: 401 invalid_credential_response', async () => {
      const authenticator = await newPasskey();
      const assertion = authenticator.assert(await requestOptions());
      // WebAuthn Level 3 §7.2 step 6; the handle is outside the signed data, so only this check
      // can catch it. Another account's handle, as its creation options carry it.
      const other = (await creationOptions(await accountToken('user1')).expect(200))
        .body as CreationOptions;
      const otherHandle = other.user.id;
      expect(otherHandle).not.toBe(assertion.response.userHandle);
      const res = await verify({
        ...assertion,
        response: { ...assertion.response, userHandle: otherHandle },
      });
      expectRefusal(
        res,
        401,
        'invalid_credential_response',
        'The user handle is not the passkey account’s',
      );
      // The account's own handle, as the authenticator sent it, signs in.
      await verify(authenticator.assert(await requestOptions())).expect(200);
    });

    it('a passkey removed after it signed in is refused at once: its record is read on every sign-in', async () => {
      const authenticator = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
      expect((await registered(await accountToken('user1'), authenticator)).status).toBe(201);
      await verify(authenticator.assert(await requestOptions())).expect(200);
      await t.app.get(AccountService).unlink('user1', passkeyMethodKey(authenticator.id));

      const res = await verify(authenticator.assert(await requestOptions()));

      expectRefusal(res, 401, 'unknown_credential', 'No account has this passkey');
    });

    it('a credential id registered again with another key: the old key never signs in, the new one does', async () => {
      const first = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
      expect((await registered(await accountToken('user1'), first)).status).toBe(201);
      await verify(first.assert(await requestOptions())).expect(200);
      await t.app.get(AccountService).unlink('user1', passkeyMethodKey(first.id));
      // Another authenticator (another key pair) claiming the same credential id.
      const second = new SoftwareAuthenticator({ rpId: RP_ID, origin: ISSUER });
      const token = await accountToken('user1');
      const options = (await creationOptions(token).expect(200)).body as CreationOptions;
      await t
        .http()
        .post('/passkeys/registration/verify')
        .set('Authorization', `Bearer ${token}`)
        .send(second.register(options, { credentialId: first.credentialId }))
        .expect(201);
      const asSecond = { credentialId: first.credentialId };

      const old = await verify(first.assert(await requestOptions())).expect(401);
      expect(old.body.error).toBe('unknown_credential');
      await verify(second.assert(await requestOptions(), asSecond)).expect(200);
      const again = await verify(first.assert(await requestOptions())).expect(401);
      expect(again.body.error).toBe('invalid_credential_response');
    });

    it('a bad signature: 401 invalid_credential_response', async () => {
      const authenticator = await newPasskey();
      const assertion = authenticator.assert(await requestOptions());
      const tampered = {
        ...assertion,
        response: { ...assertion.response, signature: Buffer.alloc(70, 1).toString('base64url') },
      };
      const res = await verify(tampered).expect(401);
      expect(res.body.error).toBe('invalid_credential_response');
    });

    it('a counter that goes backwards is refused and raised as a security event (a cloned authenticator)', async () => {
      const authenticator = await newPasskey();
      authenticator.setCounter(10);
      await verify(authenticator.assert(await requestOptions())).expect(200);
      // A counting authenticator's counter is written with each sign-in.
      expect(await stored(authenticator)).toEqual({ counter: 11, lastUsedAt: expect.any(Date) });
      const before = await events.count('passkey_counter_regression');

      const behind = await verify(
        authenticator.assert(await requestOptions(), { counter: 5 }),
      ).expect(401);
      const same = await verify(
        authenticator.assert(await requestOptions(), { counter: 11 }),
      ).expect(401);
      const zero = await verify(
        authenticator.assert(await requestOptions(), { counter: 0 }),
      ).expect(401);

      for (const res of [behind, same, zero]) {
        expect(res.body).toEqual({
          error: 'counter_regression',
          error_description:
            'The passkey’s signature counter went backwards: the authenticator may have been cloned',
        });
      }
      expect(await events.count('passkey_counter_regression')).toBe(before + 3);
      expect((await stored(authenticator)).counter).toBe(11);
      // The genuine authenticator, counting on, still signs in.
      await verify(authenticator.assert(await requestOptions(), { counter: 12 })).expect(200);
      expect((await stored(authenticator)).counter).toBe(12);
    });

    it('an authenticator that never counts (counter always 0) signs in again and again, with no counter write', async () => {
      const authenticator = await newPasskey({ counts: false, synced: true });
      for (let i = 0; i < 3; i++) {
        await verify(authenticator.assert(await requestOptions())).expect(200);
      }
      // WebAuthn Level 3 §6.1.1: 0 then 0 is no regression and nothing to store, so the sign-in
      // pays no write (a write sets lastUsedAt).
      expect(await stored(authenticator)).toEqual({ counter: 0, lastUsedAt: undefined });
    });

    it('an authenticator that starts counting after sending 0 is written; going back to 0 is a regression', async () => {
      const authenticator = await newPasskey({ counts: false });
      await verify(authenticator.assert(await requestOptions())).expect(200);
      await verify(authenticator.assert(await requestOptions(), { counter: 3 })).expect(200);
      expect(await stored(authenticator)).toEqual({ counter: 3, lastUsedAt: expect.any(Date) });
      const before = await events.count('passkey_counter_regression');
      const res = await verify(authenticator.assert(await requestOptions())).expect(401);
      expect(res.body.error).toBe('counter_regression');
      expect(await events.count('passkey_counter_regression')).toBe(before + 1);
    });

    it('two assertions racing with the same counter: one passes, one is a regression', async () => {
      const authenticator = await newPasskey();
      const [a, b] = [await requestOptions(), await requestOptions()];
      const answers = await Promise.all([
        verify(authenticator.assert(a, { counter: 7 })),
        verify(authenticator.assert(b, { counter: 7 })),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
      expect(answers.find((r) => r.status === 401)?.body.error).toBe('counter_regression');
    });

    it('the metrics count passkey challenges as the third model, refusals by reason', async () => {
      const authenticator = await newPasskey();
      await verify(authenticator.assert(await requestOptions())).expect(200);
      await verify(
        authenticator.assert(await requestOptions(), { origin: 'https://evil.example' }),
      ).expect(401);
      const metrics = (await t.http().get('/metrics').expect(200)).text;
      expect(
        sample(metrics, 'proofgate_challenges_issued_total', { model: 'passkey' }),
      ).toBeGreaterThan(0);
      expect(
        sample(metrics, 'proofgate_challenges_redeemed_total', { model: 'passkey' }),
      ).toBeGreaterThan(0);
      expect(
        sample(metrics, 'proofgate_challenges_rejected_total', {
          model: 'passkey',
          reason: 'origin_mismatch',
        }),
      ).toBeGreaterThan(0);
      const model = await t.http().get('/challenge-models/passkey').expect(200);
      expect(model.body).toMatchObject({
        id: 'passkey',
        policy: { challenge_kind: 'webauthn_authentication', lifetime_seconds: 300 },
      });
      expect(model.body.protocol.bound_to).toEqual(['ceremony', 'origin', 'rp_id']);
      expect(model.body.figures).toBeDefined();
    });

    it('tokens for a named public client; a confidential client is refused before the challenge is spent', async () => {
      const authenticator = await newPasskey();
      const options = await requestOptions();
      const assertion = authenticator.assert(options);
      const refused = await verify(assertion, { client_id: DEMO_CLIENT.id }).expect(400);
      expect(refused.body.error_description).toBe(
        'client_id must be a public client: passkey sign-in does not authenticate client secrets',
      );
      const res = await verify(assertion, { client_id: 'demo-spa' }).expect(200);
      expect(res.body.access_token).toEqual(expect.any(String));
    });
  });
});
