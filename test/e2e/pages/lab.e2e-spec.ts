/**
 * The attack lab (`npm run lab`, tools/lab): run in-process against the real service over real
 * HTTP, against a fake that accepts every attack (so each row is shown to be able to fail: the
 * fake passes only the normal logins), and
 * as a user runs it, from the command line with the service it starts itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { getAddress } from 'viem';
import { createSiweMessage, parseSiweMessage } from 'viem/siwe';
import { createSignInMessageText, parseSignInMessageText } from '@solana/wallet-standard-util';
import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import { DpopLab } from '../../../src/lab-client/dpop-scenarios';
import { PasskeyLab } from '../../../src/lab-client/passkey-scenarios';
import { PkceLab } from '../../../src/lab-client/pkce-scenarios';
import { LabPlan, LabRow, LabWait, WAITING_ROWS, runLab } from '../../../src/lab-client/scenarios';
import { LAB_UPSTREAM_PROVIDER } from '../../../src/lab-client/upstream-scenarios';
import { LAB_AUTHORIZATION_DETAILS_TYPES } from '../../../src/lab-client/ciba-scenarios';
import { planText, waitText } from '../../../tools/lab/progress';
import { pemOf, rootCa, settingFile } from '../../support/attestation-ca';
import { sharedBuild, startBuiltService } from '../../support/build';
import { exitOf, freePort } from '../../support/processes';
import { TestApp, startListeningApp } from '../../support/test-app';

const ROOT = join(__dirname, '..', '..', '..');
const SOLANA_MAINNET = 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp';
const BITCOIN_MAINNET = 'bip122:000000000019d6689c085ae165831e93';

/**
 * An expired code is refused as expired, or, when the TTL monitor (about once a minute) swept it
 * in the second between its expiry and its presentation, as unknown: refused all the same.
 */
const EXPIRED_REQUEST_URI_OR_SWEPT =
  /^400 page invalid_request_uri "request_uri expired", no redirect$|^400 page invalid_request_uri "request_uri is not one this server issued", no redirect \(deleted by the TTL monitor before it was presented\)$/;

const EXPIRED_OR_SWEPT =
  /^400 invalid_grant "Authorization code expired"|^400 invalid_grant "Invalid authorization code" \(deleted by the TTL monitor before it was presented\)$/;

/** A wallet message signed as changed, not as issued (#31). */
const MESSAGE_CHANGED =
  'The signed message differs from the one issued with its nonce; sign the message exactly as issued';

/** An identity wallet's answer refused for `check`, then the same request's good answer taken. */
function refusedThenSignsIn(check: string): string {
  return `400 invalid_presentation "The presentation was refused: ${check}"; the same request then 200`;
}

/** The rows of one model: scenario → what the service's answer must say. */
function rows(
  model: LabRow['model'],
  answers: Record<string, string | RegExp>,
): Array<readonly [LabRow['model'], string, string | RegExp]> {
  return Object.entries(answers).map(([scenario, answer]) => [model, scenario, answer] as const);
}

/** Every scenario the lab must run, and what the service's answer must say in each. */
const SCENARIOS: ReadonlyArray<readonly [LabRow['model'], string, string | RegExp]> = [
  ...rows('pkce', {
    'normal login': '302 with code, state, iss; /token 200; /api/me 200 user0',
    'stolen code, wrong verifier': '400 invalid_grant "PKCE verification failed"; owner then 200',
    'stolen code, no verifier':
      '400 invalid_grant "code_verifier is required: the code was issued with a code_challenge"',
    'replayed code':
      '400 invalid_grant "Authorization code already used"; first token 401 at /api/me',
    'used code replayed by another client':
      '400 invalid_grant "Authorization code already used"; owner\'s token 200 at /api/me',
    'code_challenge_method=plain': '302 to redirect_uri, error=invalid_request',
    'missing code_challenge': '302 to redirect_uri, error=invalid_request',
    'code redeemed by another client': '400 invalid_grant',
    'other redirect URI': '400 invalid_grant',
    'redirect_uri bypass': '400 page invalid_request, no redirect, for all 4',
    'resource the client may not use': '302 to redirect_uri, error=invalid_target',
    'token for another resource at /api/me':
      'token aud http://localhost:25004/mcp; /api/me 401 invalid_token "The access token is for another resource"',
    'registration: foreign http redirect URI':
      '400 invalid_redirect_uri "redirect_uris[0] may use http only on a loopback host',
    'registration: confidential without the initial access token':
      '400 invalid_client_metadata "Only public clients',
    'registration: wrong initial access token':
      '401 invalid_token "The initial access token is invalid"',
    'registration: implicit grant (response_types token)':
      '400 invalid_client_metadata "response_types may contain only code"',
    'registration: client_name with a right-to-left override':
      '400 invalid_client_metadata "client_name must not contain control or format characters"',
    'expired code': EXPIRED_OR_SWEPT,
    'refresh asking for more scope':
      '400 invalid_scope "The requested scope exceeds the scope originally granted"; the same refresh token later 200',
    '50 concurrent redemptions': '1× 200',
  }),
  ...rows('siwe', {
    'normal login': '/wallet/verify 200; /api/me 200 siwe, sub eip155:1:<address>',
    'replayed signed message': '401 nonce_already_used',
    'nonce bound to another address': '401 invalid_nonce',
    'expired nonce': '401 invalid_nonce',
    'nonce for another chain': '401 invalid_nonce "The nonce was issued for another chain"',
    'Issued At before the nonce': `401 invalid_nonce "${MESSAGE_CHANGED}"`,
    'wrong domain': '401 domain_mismatch',
    'wrong chain': '400 chain_not_allowed',
    'tampered message': '401 invalid_signature',
    'signature from another key': '401 invalid_signature',
    '50 concurrent redemptions': '1× 200',
  }),
  ...rows('siws', {
    'normal login': '/wallet/verify 200; /api/me 200 siws, sub solana:<mainnet genesis>:<address>',
    'replayed signed message': '401 nonce_already_used',
    'nonce bound to another address': '401 invalid_nonce "The nonce is bound to another address"',
    'mainnet nonce in a devnet message':
      '401 invalid_nonce "The nonce was issued for another chain"',
    'multi-line statement': '400 invalid_message',
    'tampered message': '401 invalid_signature',
    'signature from another key': '401 invalid_signature',
  }),
  ...rows('siwb', {
    'normal login (P2WPKH, BIP-322)':
      '/wallet/verify 200; /api/me 200 siwb, sub bip122:<mainnet genesis>:<address>',
    'taproot login (P2TR, BIP-322)': '/wallet/verify 200',
    'legacy login (P2PKH, signmessage)': '/wallet/verify 200',
    'replayed signed message': '401 nonce_already_used',
    'nonce bound to another address': '401 invalid_nonce "The nonce is bound to another address"',
    'testnet address on mainnet':
      '400 invalid_request "address is not an address of chain bip122:000000000019d6689c085ae165831e93"',
    'tampered message': '401 invalid_signature',
    'signature from another key': '401 invalid_signature',
    'signature not base64': '400 invalid_request',
  }),
  ...(['siwe', 'siws', 'siwb'] as const).flatMap(
    (model): Array<readonly [LabRow['model'], string, string]> => [
      [
        model,
        'a dApp’s signature at the login page',
        '401 invalid_nonce "The nonce was issued for another audience, not for this browser’s login page"',
      ],
      [
        model,
        'a login page’s signature at /wallet/verify',
        '401 invalid_nonce "The nonce was issued for another audience, not for this client"',
      ],
      [
        model,
        'a login signature linked to another account',
        '401 invalid_nonce "The message was issued to sign in, not to link a wallet to an account"',
      ],
      [model, 're-signed with another statement', `401 invalid_nonce "${MESSAGE_CHANGED}"`],
    ],
  ),
  ...rows('passkey', {
    'normal login': 'registration 201; sign-in 200; /api/me 200 passkey user0',
    'replayed assertion':
      '401 challenge_already_used "The challenge has already been used; start the ceremony again"',
    'registration challenge used to sign in':
      '401 invalid_challenge "The challenge was not issued by this service for this ceremony"',
    'assertion for another origin':
      '401 origin_mismatch "The response comes from an origin this service does not accept"',
    'signature counter not moved forward': '401 counter_regression',
    'removed passkey': 'DELETE 200; 401 unknown_credential',
    'registration without a fresh login':
      '401 insufficient_user_authentication "Changing the account needs a login at most 5 seconds old; sign in again"',
  }),
  ...rows('oid4vp', {
    'normal login': '/oid4vp/response 200; poll signed_in with tokens; /api/me 200 oid4vp',
    'replayed presentation':
      '400 invalid_request "Unknown, expired or already answered state"; the first sign-in’s token 200 at /api/me',
    'key-binding JWT with another nonce': refusedThenSignsIn(
      'nonce: the key-binding JWT does not carry this request’s nonce',
    ),
    'key-binding JWT for another verifier': refusedThenSignsIn(
      'audience: the key-binding JWT’s aud is not this verifier’s client_id',
    ),
    'tampered disclosure': refusedThenSignsIn(
      'disclosure: a disclosure does not hash to a digest the issuer signed',
    ),
    'credential from an untrusted issuer': refusedThenSignsIn(
      'issuer not trusted: the credential’s issuer is not in the trust list',
    ),
    'response_code from another browser':
      '400 invalid_request "This response_code belongs to another browser; it is now spent"; the owner then 400 invalid_request "Unknown, expired or used response_code"',
  }),
  ...rows('dpop', {
    'normal login':
      '/token 200 token_type DPoP, cnf.jkt of the key; /api/me with a proof 200 user0',
    'replayed proof': '400 invalid_dpop_proof "The DPoP proof was already used (jti replay)"',
    'proof for another URL': '400 invalid_dpop_proof "The DPoP proof is for another URI (htu)"',
    'proof for another method':
      '400 invalid_dpop_proof "The DPoP proof is for another HTTP method (htm)"',
    'bound token sent as a bearer token':
      '401 invalid_token "The access token is DPoP-bound: send it as "DPoP <token>" with a proof of its key"; WWW-Authenticate: DPoP with algs',
    'refresh with another key':
      '400 invalid_grant "Refresh token is bound to a DPoP key: present a proof of that key"; the owner\'s key then 200',
    // This instance does not require nonces (DPOP_REQUIRE_NONCE=false): a proof without one is good.
    'missing nonce': /^200$/,
    'stale nonce':
      '400 use_dpop_nonce "The DPoP nonce is stale or unknown: retry with the one in DPoP-Nonce" with a DPoP-Nonce; retried with it 200',
  }),
  ...rows('par', {
    'normal login': '/par 201 request_uri, expires_in; 302 with code, state, iss; /token 200',
    'request_uri reused':
      '400 page invalid_request_uri "request_uri was already used", no redirect',
    'request_uri used by another client':
      '400 page invalid_request_uri "request_uri was pushed by another client", no redirect; the owner then 302 with code, state, iss; /token 200',
    'front-channel parameters changed': '302 to the pushed redirect_uri with the pushed state',
    'expired request_uri': EXPIRED_REQUEST_URI_OR_SWEPT,
  }),
  ...rows('pkce', {
    'cross-site sign-out without an id_token_hint':
      '200 confirmation page; the session still authorizes',
    'post-logout redirect to an unregistered URI':
      '400 invalid_request "post_logout_redirect_uri is not one of the post_logout_redirect_uris registered for this client"; no redirect',
    'id_token_hint not issued here':
      '400 invalid_request "id_token_hint is not an ID token this server issued"; no redirect',
    'refresh token after the session ended':
      /^400 invalid_grant "[^"]+"; its access token 401 at \/api\/me$/,
  }),
  ...rows('passkey', {
    'synced passkey at a phrh request': '302 to /login?acr_values=phrh, no code',
    'attestation from a root outside the trust list': '201, hardware_bound false',
  }),
  ...rows('passkey', {
    'password session required to have phr (essential acr)':
      '302 to /login?acr_values=phr, no code',
    'prompt=none with a session too weak for an essential phr':
      '302 with error=unmet_authentication_requirements, no code',
  }),
  ...rows('ciba', {
    'replayed approval signature':
      'approve 200; 401 invalid_signature "The signature is not valid for the message address"; the same signature again 404',
    'signature over other details':
      '401 invalid_signature "The signature is not valid for the message address"',
    'polled faster than interval':
      '400 authorization_pending "The user has not answered yet"; 400 slow_down "Polled too fast; wait 10 seconds between polls"; 400 slow_down "Polled too fast; wait 15 seconds between polls"',
    'auth_req_id of another client':
      '400 invalid_grant "auth_req_id was issued to another client"; 400 invalid_grant "auth_req_id was issued to another client"; the owner then 200',
    'widened token exchange':
      '400 invalid_authorization_details "authorization_details may only narrow those granted: each object must be one granted"; the granted details then 200',
  }),
  ...rows('device', {
    'normal login': '/token 200; /api/me 200 user0',
    'polled faster than interval':
      '400 authorization_pending "The user has not answered yet"; 400 slow_down "Polled too fast; wait 10 seconds between polls"',
    'device code redeemed by another client':
      '400 invalid_grant "Device code was issued to another client"; the owner then 200',
    'approval replayed': '400 page "That code has already been answered."',
    'user code brute force':
      /^429 too_many_requests "Too many requests; slow down" after 20 wrong codes of user1 from another address \(127\.\d+\.\d+\.\d+\)$/,
  }),
  ...rows('email', {
    'normal login': '200 { redirect }',
    'wrong code 5 times, then the right one': `5 × 401 invalid_code; 401 invalid_code "This code is not valid here: it is wrong, expired or used, or was sent for another browser. Check the newest mail, or ask for a new code"`,
    'replayed code': `401 invalid_code "This code is not valid here: it is wrong, expired or used, or was sent for another browser. Check the newest mail, or ask for a new code"`,
    'another browser’s code': `401 invalid_code "This code is not valid here: it is wrong, expired or used, or was sent for another browser. Check the newest mail, or ask for a new code"; the same as a wrong code; owner then 200`,
  }),
  ...rows('private_key_jwt', {
    'replayed client assertion':
      'first 200; 401 invalid_client "client_assertion was already used (jti replay)"',
    'assertion for another audience':
      '401 invalid_client "client_assertion aud must be the issuer identifier, as a single string"',
  }),
  ...rows('upstream', {
    'forged state': '303 upstream_error=state_unknown, no session',
    'callback replayed': '303 upstream_error=cancelled; 303 upstream_error=state_used, no session',
    'callback in another browser':
      '303 upstream_error=other_browser, no session; its own browser then 303 upstream_error=cancelled',
    'mix-up: another provider’s iss': '303 upstream_error=mix_up, no session',
  }),
  ...rows('jwt_bearer', {
    'assertion from an untrusted issuer':
      '400 invalid_grant "The assertion\'s issuer is not trusted"',
  }),
  ...rows('client_secret', {
    'HS256 assertion keyed with the client secret':
      '401 invalid_client "The client is not registered for private_key_jwt authentication"',
  }),
  ...rows('private_key_jwt', {
    'scope escalation by token exchange':
      '400 invalid_scope "The requested scope exceeds the scope of the subject token"',
  }),
];

/** An exact text, or a pattern. */
function matching(text: string | RegExp): string {
  return (typeof text === 'string' ? text : expect.stringMatching(text)) as string;
}

/** What the lab expects of the rows whose expectation the service's policy decides. */
const EXPECTED: ReadonlyArray<readonly [LabRow['model'], string, string | RegExp]> = [
  ['pkce', 'expired code', /^after 2 s \(policy\.lifetime_seconds\) \+ 1 s: /],
  ['siwe', 'expired nonce', /^after 2 s \(policy\.lifetime_seconds\) \+ 1 s: /],
  [
    'passkey',
    'registration without a fresh login',
    'after 5 s (policy.recent_login_seconds) + 1 s: 401 insufficient_user_authentication',
  ],
  ['par', 'expired request_uri', /^after 5 s \(expires_in of POST \/par\) \+ 1 s: /],
  [
    'dpop',
    'missing nonce',
    'DPOP_REQUIRE_NONCE=false (GET /challenge-models): 200, the proof accepted without a nonce',
  ],
  [
    'passkey',
    'synced passkey at a phrh request',
    'PASSKEY_REQUIRE_HARDWARE=false (GET /challenge-models): 302 to /login?acr_values=phrh, no code',
  ],
  [
    'passkey',
    'attestation from a root outside the trust list',
    'PASSKEY_REQUIRE_HARDWARE=false (GET /challenge-models): 201, hardware_bound false',
  ],
];

/**
 * What a service that accepts every attack answers to some attack rows: each row fails on the
 * answer it got, not on a step before the attack.
 */
const GULLIBLE_ANSWERS: ReadonlyArray<readonly [LabRow['model'], string, string | RegExp]> = [
  ['dpop', 'replayed proof', '200'],
  ['dpop', 'bound token sent as a bearer token', /^200; /],
  ['par', 'request_uri reused', '302 to http://127.0.0.1:25002/callback'],
  ['par', 'front-channel parameters changed', '302 to http://localhost:25001/callback'],
  ['passkey', 'replayed assertion', '200'],
  ['passkey', 'signature counter not moved forward', '200'],
  ['passkey', 'removed passkey', 'DELETE 200; 200'],
  ['passkey', 'registration without a fresh login', '200'],
  [
    'passkey',
    'synced passkey at a phrh request',
    /^302 with a code http:\/\/localhost:25001\/callback\?code=/,
  ],
  ['passkey', 'attestation from a root outside the trust list', '201, hardware_bound true'],
  ['pkce', 'replayed code', '200; first token 200 at /api/me'],
  ['pkce', '50 concurrent redemptions', /^50× 200 \(in \d+ ms\)$/],
  ['siwe', 'wrong chain', '200'],
  ['email', 'replayed code', '200'],
  ['email', 'another browser’s code', '200; the same as a wrong code; owner then 200'],
  ['oid4vp', 'replayed presentation', '200; the first sign-in’s token 200 at /api/me'],
  ['oid4vp', 'key-binding JWT with another nonce', '200; the same request then 200'],
  ['oid4vp', 'response_code from another browser', '303; the owner then 303'],
  [
    'pkce',
    'redirect_uri bypass',
    [
      'upper-case host: 302 to http://localhost:25001/callback',
      'dot segment: 302 to http://localhost:25001/callback',
      'empty fragment: 302 to http://localhost:25001/callback',
      'other port: 302 to http://localhost:9999/callback',
    ].join('; '),
  ],
];

function rowOf(rows: LabRow[], model: string, scenario: string): LabRow {
  const row = rows.find((r) => r.model === model && r.scenario === scenario);
  if (!row) throw new Error(`no row for ${model} / ${scenario}`);
  return row;
}

describe('the attack lab', () => {
  jest.setTimeout(240_000);

  describe('against the real service, in-process, with 2-second challenge lifetimes', () => {
    let t: TestApp;
    let baseUrl: string;

    beforeAll(async () => {
      // SIWE_URI: its default, the issuer's origin (baseUrl).
      ({ t, issuer: baseUrl } = await startListeningApp({
        AUTH_CODE_TTL_SECONDS: '2',
        WALLET_NONCE_TTL_SECONDS: '2',
        PAR_REQUEST_URI_TTL_SECONDS: '5',
        REFRESH_TOKEN_GRACE_SECONDS: '1',
        SIWE_CHAIN_IDS: '1,10',
        SIWS_CHAINS: 'solana:mainnet,solana:devnet',
        ACCOUNT_RECENT_LOGIN_SECONDS: '5',
        UPSTREAM_PROVIDERS: JSON.stringify([LAB_UPSTREAM_PROVIDER]),
        AUTHORIZATION_DETAILS_TYPES: JSON.stringify(LAB_AUTHORIZATION_DETAILS_TYPES),
      }));
    });
    afterAll(() => t.close());

    it('runs every scenario, each answered as the spec requires', async () => {
      const streamed: LabRow[] = [];
      const waits: (LabWait & { rowsBefore: number })[] = [];
      const plans: (LabPlan & { rowsBefore: number })[] = [];
      const rows = await runLab({
        baseUrl,
        onPlan: (plan) => plans.push({ ...plan, rowsBefore: streamed.length }),
        onRow: (row) => streamed.push(row),
        onWait: (wait) => waits.push({ ...wait, rowsBefore: streamed.length }),
      });

      // The plan, before the first row: each wait the service's own lifetime, read from it.
      expect(plans).toEqual([
        {
          rowsBefore: 0,
          leastSeconds: 6,
          waits: [
            {
              challenge: 'code',
              seconds: 2,
              source: 'policy.lifetime_seconds',
              rows: WAITING_ROWS.code,
            },
            {
              challenge: 'nonce',
              seconds: 2,
              source: 'policy.lifetime_seconds',
              rows: WAITING_ROWS.nonce,
            },
            {
              challenge: 'request_uri',
              seconds: 5,
              source: 'store.lifetime_seconds',
              rows: WAITING_ROWS.request_uri,
            },
            {
              challenge: 'login',
              seconds: 5,
              source: 'policy.recent_login_seconds',
              rows: WAITING_ROWS.login,
            },
          ],
        },
      ]);
      expect(planText(plans[0], false)).toBe(
        [
          'This run takes at least 6 s: the rows below wait until a challenge has expired (its lifetime',
          'and a second), while the other rows run. Add --quick to skip them.',
          '  2 s (policy.lifetime_seconds) for the authorization code to expire: expired code, refresh asking for more scope',
          '  2 s (policy.lifetime_seconds) for the SIWE nonce to expire: expired nonce',
          "  5 s (store.lifetime_seconds) for PAR's request_uri to expire: expired request_uri",
          "  5 s (policy.recent_login_seconds) for the lab's login to be no longer recent: registration without a fresh login",
          '',
        ].join('\n'),
      );

      expect(streamed).toEqual(rows);
      expect(rows.map((r) => [r.model, r.scenario]).sort()).toEqual(
        SCENARIOS.map(([model, scenario]) => [model, scenario]).sort(),
      );
      for (const [model, scenario, answer] of SCENARIOS) {
        const row = rowOf(rows, model, scenario);
        expect({ model, scenario, answered: row.answered, passed: row.passed }).toEqual({
          model,
          scenario,
          answered: (typeof answer === 'string'
            ? expect.stringContaining(answer)
            : expect.stringMatching(answer)) as string,
          passed: true,
        });
      }
      // The lifetimes come from the service (GET /challenge-models/<model>), not a default; what
      // the instance says of its DPoP nonces decides what a proof without one must get.
      for (const [model, scenario, expected] of EXPECTED) {
        expect({ model, scenario, expected: rowOf(rows, model, scenario).expected }).toEqual({
          model,
          scenario,
          expected: matching(expected),
        });
      }
      // Each expired challenge is presented when it falls due (before the TTL monitor removes
      // it): a wait, when one is left, is announced for that challenge, right before its row,
      // for at most a lifetime plus its second (the login: its recent-login window plus one), so
      // the short lifetimes and not the README defaults (60 s, 300 s, 600 s). Judged by what the
      // lab announces, not by the clock, which a loaded machine slows.
      expect(waits.length).toBeLessThanOrEqual(4);
      expect(new Set(waits.map((w) => w.challenge)).size).toBe(waits.length);
      const waitedFor = {
        code: ['expired code', 3],
        nonce: ['expired nonce', 3],
        request_uri: ['expired request_uri', 6],
        login: ['registration without a fresh login', 6],
      } as const;
      for (const wait of waits) {
        const [scenario, longest] = waitedFor[wait.challenge];
        expect(wait.seconds).toBeGreaterThan(0);
        expect(wait.seconds).toBeLessThanOrEqual(longest);
        expect(wait.rowsBefore).toBe(rows.findIndex((r) => r.scenario === scenario));
      }
    });
  });

  describe('the DPoP rows against a service that requires nonces (DPOP_REQUIRE_NONCE=true)', () => {
    let t: TestApp;
    let baseUrl: string;

    beforeAll(async () => {
      ({ t, issuer: baseUrl } = await startListeningApp({ DPOP_REQUIRE_NONCE: 'true' }));
    });
    afterAll(() => t.close());

    it('refuses a proof without a nonce or with a stale one, then takes the retry; every attack still refused for itself', async () => {
      const dpop = new DpopLab(baseUrl, baseUrl, `${baseUrl}/token`, new PkceLab(baseUrl, baseUrl));
      const policy = await dpop.noncePolicy();
      expect(policy).toEqual({
        required: true,
        source: 'DPOP_REQUIRE_NONCE=true (GET /challenge-models)',
      });
      // RFC 9449 §8: use_dpop_nonce and a DPoP-Nonce, whose retry is accepted.
      const missing =
        '400 use_dpop_nonce "A DPoP nonce is required: retry with the one in DPoP-Nonce" with a DPoP-Nonce; retried with it 200';
      expect(await dpop.missingNonce(policy)).toEqual({
        expected: `DPOP_REQUIRE_NONCE=true (GET /challenge-models): ${missing}`,
        answered: missing,
        passed: true,
      });
      expect(await dpop.staleNonce(policy)).toMatchObject({
        answered:
          '400 use_dpop_nonce "The DPoP nonce is stale or unknown: retry with the one in DPoP-Nonce" with a DPoP-Nonce; retried with it 200',
        passed: true,
      });
      // The lab's client carries the latest nonce, so each attack is refused for what it is.
      for (const outcome of [
        await dpop.normalLogin(),
        await dpop.replayedProof(),
        await dpop.proofForAnotherUrl(),
        await dpop.proofForAnotherMethod(),
        await dpop.boundTokenAsBearer(),
        await dpop.refreshWithAnotherKey(),
      ]) {
        expect(outcome).toMatchObject({
          passed: true,
          answered: expect.not.stringContaining('nonce'),
        });
      }
    });
  });

  describe('the hardware-bound passkey rows against a service that requires hardware (PASSKEY_REQUIRE_HARDWARE=true)', () => {
    let t: TestApp;
    let baseUrl: string;

    beforeAll(async () => {
      // A trust list of a root of the test's own: the lab's root is not on it.
      const root = await rootCa('Proofgate Test Attestation Root');
      ({ t, issuer: baseUrl } = await startListeningApp({
        PASSKEY_ATTESTATION: 'direct',
        PASSKEY_TRUSTED_ATTESTATION_ROOTS: settingFile('roots.pem', pemOf(root)),
        PASSKEY_REQUIRE_HARDWARE: 'true',
      }));
    });
    afterAll(() => t.close());

    it('reads the policy from the comparison, and sees the unlisted root and the synced passkey refused at registration', async () => {
      const passkey = new PasskeyLab(baseUrl, baseUrl);
      const policy = await passkey.hardwarePolicy();
      const source = 'PASSKEY_REQUIRE_HARDWARE=true (GET /challenge-models)';
      expect(policy).toEqual({ requireHardware: true, refusesUntrusted: true, source });
      expect(await passkey.unlistedRootAttestation(policy)).toEqual({
        expected: `${source}: 400 untrusted_attestation`,
        answered:
          '400 untrusted_attestation "This service registers only hardware-bound passkeys (PASSKEY_REQUIRE_HARDWARE), and this one is not: its attestation does not chain to a root this service trusts"',
        passed: true,
      });
      expect(await passkey.syncedPasskeyAtPhrh(policy)).toEqual({
        expected: `${source}: 400 untrusted_attestation`,
        answered:
          '400 untrusted_attestation "This service registers only hardware-bound passkeys (PASSKEY_REQUIRE_HARDWARE), and this one is not: the authenticator gave no attestation, so nothing shows what holds the key"',
        passed: true,
      });
    });
  });

  describe('against a service that accepts every attack', () => {
    let server: Server;
    let baseUrl: string;

    beforeAll(async () => {
      const port = await freePort();
      baseUrl = `http://127.0.0.1:${port}`;
      server = createServer((req, res) => void gullible(baseUrl, req, res));
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('passes the normal logins and fails every attack row', async () => {
      const rows = await runLab({ baseUrl });

      expect(rows).toHaveLength(SCENARIOS.length);
      const passed = rows.filter((r) => r.passed).map((r) => `${r.model} ${r.scenario}`);
      expect(passed.sort()).toEqual([
        'dpop normal login',
        'email normal login',
        'oid4vp normal login',
        'par normal login',
        'passkey normal login',
        'pkce normal login',
        'siwb legacy login (P2PKH, signmessage)',
        'siwb normal login (P2WPKH, BIP-322)',
        'siwb taproot login (P2TR, BIP-322)',
        'siwe normal login',
        'siws normal login',
      ]);
      for (const [model, scenario, answered] of GULLIBLE_ANSWERS) {
        expect({ model, scenario, answered: rowOf(rows, model, scenario).answered }).toEqual({
          model,
          scenario,
          answered: matching(answered),
        });
      }
      expect(rowOf(rows, 'passkey', 'registration without a fresh login')).toMatchObject({
        expected:
          'after 0 s (policy.recent_login_seconds) + 1 s: 401 insufficient_user_authentication',
        passed: false,
      });
    });
  });

  describe('npm run lab -- --quick', () => {
    it('runs every row but those that wait for a lifetime, says so up front and at the end, and waits for nothing', async () => {
      // The lifetimes of a default instance, which a quick run does not wait out.
      const { t, issuer } = await startListeningApp({
        SIWE_CHAIN_IDS: '1,10',
        SIWS_CHAINS: 'solana:mainnet,solana:devnet',
        UPSTREAM_PROVIDERS: JSON.stringify([LAB_UPSTREAM_PROVIDER]),
        AUTHORIZATION_DETAILS_TYPES: JSON.stringify(LAB_AUTHORIZATION_DETAILS_TYPES),
      });
      try {
        const { code, stdout, stderr } = await run(
          'npm',
          ['run', '--silent', 'lab', '--', '--url', issuer, '--quick', '--json'],
          180_000,
        );
        const report = JSON.parse(stdout) as {
          passed: boolean;
          rows: LabRow[];
          skipped: { model: string; scenario: string }[];
        };
        const waiting = Object.values(WAITING_ROWS).flat();
        const key = ({ model, scenario }: { model: string; scenario: string }) =>
          `${model} / ${scenario}`;
        expect({ code, failed: report.rows.filter((row) => !row.passed) }).toEqual({
          code: 0,
          failed: [],
        });
        expect(report.rows.map(key).sort()).toEqual(
          SCENARIOS.map(([model, scenario]) => key({ model, scenario }))
            .filter((name) => !waiting.map(key).includes(name))
            .sort(),
        );
        expect(report.skipped).toEqual(waiting);
        expect(stderr).toBe(
          [
            "--quick: skipping the 5 rows that wait for the service's real lifetimes (at least 10 min 1 s):",
            '  1 min (policy.lifetime_seconds) for the authorization code to expire: expired code, refresh asking for more scope',
            '  5 min (policy.lifetime_seconds) for the SIWE nonce to expire: expired nonce',
            "  1 min (store.lifetime_seconds) for PAR's request_uri to expire: expired request_uri",
            "  10 min (policy.recent_login_seconds) for the lab's login to be no longer recent: registration without a fresh login",
            '',
            '',
          ].join('\n'),
        );
      } finally {
        await t.close();
      }
    });

    it('says as each wait starts which it is and until when', () => {
      const at = new Date(2026, 0, 2, 14, 0, 5);
      expect(waitText({ seconds: 67, challenge: 'nonce' }, at)).toBe(
        'Waiting 1 min 7 s, until 14:01:12, for the SIWE nonce to expire...\n',
      );
    });
  });

  describe('npm run lab -- --json', () => {
    it('starts its own service on a fresh embedded database, passes every row, exits 0', async () => {
      // On the build the other specs run, which `npm start` finds current (nothing is compiled).
      const { code, stdout, stderr } = await run('npm', ['run', 'lab', '--', '--json'], 240_000, {
        PROOFGATE_DIST_DIR: await sharedBuild(),
      });

      // npm prints its own "> proofgate@... lab" banner first; the lab's output is the JSON.
      const parsed = () =>
        JSON.parse(stdout.slice(stdout.indexOf('{'))) as { passed: boolean; rows: LabRow[] };
      // Exit 1 is mostly a row that failed: the rows that did travel with the verdict.
      const failedRows = () => {
        try {
          return parsed().rows.filter((row) => !row.passed);
        } catch {
          return stdout;
        }
      };
      expect({
        code,
        stderr: code === 0 ? '' : stderr,
        failedRows: code === 0 ? [] : failedRows(),
      }).toEqual({ code: 0, stderr: '', failedRows: [] });
      const report = parsed();
      expect(report.passed).toBe(true);
      expect(report.rows).toHaveLength(SCENARIOS.length);
      expect(report.rows.every((r) => r.passed)).toBe(true);
      expect(Object.keys(report).sort()).toEqual(['passed', 'rows']);
    });
  });
});

describe("the lab page's Run on the built service", () => {
  const started: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of started) {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  });

  it('loads the attack client when a run starts and streams its first row', async () => {
    // The service loads src/lab-client only when a run starts (an import() of the compiled file),
    // which the in-process specs cannot show: under jest every import is jest's own.
    const { port } = await startBuiltService(await sharedBuild(), { LOG_LEVEL: 'warn' }, (child) =>
      started.push(child),
    );
    const base = `http://127.0.0.1:${port}`;
    const page = await fetch(`${base}/lab`);
    const html = await page.text();
    const csrf = /data-csrf-token="([^"]+)"/.exec(html)![1];
    const cookie = page.headers
      .getSetCookie()
      .map((line) => line.split(';')[0])
      .join('; ');
    const stop = new AbortController();
    const run = await fetch(`${base}/lab/run`, {
      method: 'POST',
      headers: { 'X-CSRF-Token': csrf, cookie },
      signal: stop.signal,
    });
    expect(run.status).toBe(200);
    const reader = run.body!.getReader();
    let text = '';
    while (!text.includes('\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString('utf8');
    }
    stop.abort();
    expect(JSON.parse(text.slice(0, text.indexOf('\n')))).toMatchObject({
      event: 'row',
      row: { passed: true },
    });
  });
});

describe('npm run lab -- --port N', () => {
  it('attacks the Proofgate on localhost:N, and says how to start one when none answers there', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await run(
      'npm',
      ['run', '--silent', 'lab', '--', '--port', String(port)],
      60_000,
    );

    expect(code).toBe(2);
    expect(stdout).toContain(`Proofgate attack lab against http://localhost:${port}\n`);
    expect(stderr).toContain(
      `The lab could not run: no Proofgate answers at http://localhost:${port} (ECONNREFUSED): ` +
        'start one there (`PORT=<port> npm start`), or run the lab without --url and --port to start its own\n',
    );
  });

  it('refuses a port that is no number, and --port with --url', async () => {
    for (const args of [
      ['--port', 'x'],
      ['--port', '26217', '--url', 'http://localhost:26217'],
    ]) {
      const { code, stderr } = await run('npm', ['run', '--silent', 'lab', '--', ...args], 60_000);
      expect({ code, stderr: stderr.split('\n')[0] }).toEqual({
        code: 2,
        stderr:
          args.length === 2
            ? '--port needs a port number'
            : '--port and --url both name the Proofgate: give one',
      });
    }
  });
});

/** Runs a command in its own process group, killed as a whole if it outlives the timeout. */
function run(
  command: string,
  args: string[],
  timeoutMs: number,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      detached: true,
      stdio: 'pipe',
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGTERM'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The fake's pushed requests (RFC 9126), by request_uri. */
const PUSHED = new Map<string, Record<string, string>>();

/** An unsigned JWT access token bound to the key of `proof`, as the fake's DPoP tokens are. */
async function boundToken(proof: string): Promise<string> {
  const jkt = await calculateJwkThumbprint(decodeProtectedHeader(proof).jwk as JWK);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'user0', cnf: { jkt } })}.`;
}

/**
 * Just enough of Proofgate's API to complete every normal login, with every check missing:
 * any code, verifier, client, nonce, signature, DPoP proof or request_uri is accepted, any number
 * of times, and front-channel parameters win over pushed ones.
 */
/** What the gullible service mailed, newest first. */
const MAILED: { to: string; text: string }[] = [];

async function gullible(issuer: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', issuer);
  let body = '';
  for await (const chunk of req) body += (chunk as Buffer).toString();
  const json = (status: number, value: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  };
  const redirect = (status: number, location: string, cookie?: string): void => {
    res.writeHead(status, { location, ...(cookie ? { 'set-cookie': cookie } : {}) }).end();
  };

  switch (`${req.method} ${url.pathname}`) {
    case 'GET /.well-known/oauth-authorization-server':
      return json(200, { issuer });
    case 'GET /challenge-models/pkce':
    case 'GET /challenge-models/siwe':
      return json(200, { policy: { lifetime_seconds: 0 } });
    case 'GET /challenge-models/passkey':
      return json(200, {
        policy: { lifetime_seconds: 0, recent_login_seconds: 0 },
        variants: [
          {
            id: 'passkey_hardware_bound',
            settings: { registration: 'PASSKEY_REQUIRE_HARDWARE=false', models: 'any model' },
          },
        ],
      });
    case 'POST /passkeys/registration/options':
      return json(200, {
        challenge: randomBytes(16).toString('base64url'),
        rp: { id: url.hostname },
        user: { id: randomBytes(16).toString('base64url') },
      });
    // Every passkey is hardware-bound here, whatever its attestation.
    case 'POST /passkeys/registration/verify':
      return json(201, {
        credential_id: 'any',
        created_at: new Date().toISOString(),
        hardware_bound: true,
      });
    case 'POST /login/passkey':
      res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=1' });
      return void res.end(JSON.stringify({ redirect: '/' }));
    case 'POST /passkeys/authentication/options':
      return json(200, { challenge: randomBytes(16).toString('base64url') });
    case 'POST /passkeys/authentication/verify':
      return json(200, { access_token: 'passkey', token_type: 'Bearer' });
    case 'GET /authorize': {
      if (!req.headers.cookie?.includes('session=1')) {
        return redirect(302, `/login?return_to=${encodeURIComponent(url.pathname + url.search)}`);
      }
      const request = {
        ...PUSHED.get(url.searchParams.get('request_uri') ?? ''),
        ...Object.fromEntries(url.searchParams),
      };
      const back = new URL(request.redirect_uri ?? '');
      back.search = new URLSearchParams({
        code: randomBytes(8).toString('hex'),
        state: request.state ?? '',
        iss: issuer,
      }).toString();
      return redirect(302, back.href);
    }
    case 'GET /login':
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(
        '<input type="hidden" name="csrf_token" value="t">' +
          '<form method="post" action="/login/email/start" id="email-login"><input type="hidden" name="csrf_token" value="t"><input type="hidden" name="return_to" value="/"></form>' +
          '<a href="/login/upstream/lab">',
      );
    // Every code it mails is 12345678, and every code it is shown signs in.
    case 'POST /login/email/start':
      MAILED.unshift({
        to: (JSON.parse(body) as { email: string }).email,
        text: '\n    12345678\n',
      });
      return json(200, { sent: true });
    case 'GET /dev/mailbox':
      return json(200, { mails: MAILED });
    case 'POST /login/email/verify':
      return json(200, { redirect: '/' });
    case 'GET /login/upstream/lab':
      return redirect(302, 'http://127.0.0.1:9/authorize?state=any-state');
    case 'GET /login/upstream/lab/callback':
      return redirect(303, '/', 'pg_session=1');
    case 'POST /login':
      return redirect(303, new URLSearchParams(body).get('return_to') ?? '/', 'session=1');
    case 'POST /token': {
      const proof = req.headers.dpop;
      if (typeof proof === 'string') {
        return json(200, {
          access_token: await boundToken(proof),
          token_type: 'DPoP',
          refresh_token: randomBytes(8).toString('hex'),
        });
      }
      return json(200, { access_token: 'password', token_type: 'Bearer' });
    }
    case 'POST /par': {
      const requestUri = `urn:ietf:params:oauth:request_uri:${randomBytes(8).toString('hex')}`;
      PUSHED.set(requestUri, Object.fromEntries(new URLSearchParams(body)));
      return json(201, { request_uri: requestUri, expires_in: 1 });
    }
    // An identity wallet's request, by reference (an unsigned request object), and any answer.
    case 'POST /oid4vp/requests': {
      const id = randomBytes(8).toString('hex');
      const requestUri = `${issuer}/oid4vp/requests/${id}/request`;
      return json(201, {
        id,
        request_uri: requestUri,
        authorization_request: `openid4vp://?request_uri=${encodeURIComponent(requestUri)}`,
        expires_in: 300,
        ...('client_id' in (JSON.parse(body) as object) ? { handle: 'any' } : {}),
      });
    }
    case 'POST /oid4vp/response':
      return json(200, { redirect_uri: `${issuer}/oid4vp/complete?response_code=any` });
    case 'GET /oid4vp/complete':
      return redirect(303, '/');
    case 'POST /register':
      return json(201, { client_id: randomBytes(8).toString('hex'), ...JSON.parse(body) });
    case 'POST /wallet/nonce': {
      const { address, chainId } = JSON.parse(body) as {
        address: string;
        chainId: number | string;
      };
      if (typeof chainId === 'string') {
        // CAIP-122 (Solana's and Bitcoin's messages).
        const caip122 = {
          nonce: randomBytes(8).toString('hex'),
          address,
          chainId,
          domain: url.host,
          uri: issuer,
          issuedAt: new Date().toISOString(),
          expirationTime: new Date(Date.now() + 60_000).toISOString(),
        };
        const message = chainId.startsWith('bip122:')
          ? [
              `${url.host} wants you to sign in with your Bitcoin account:`,
              address,
              '',
              'Sign in',
              '',
              `URI: ${issuer}`,
              'Version: 1',
              `Chain ID: ${chainId}`,
              `Nonce: ${caip122.nonce}`,
              `Issued At: ${caip122.issuedAt}`,
            ].join('\n')
          : createSignInMessageText(caip122);
        return json(201, { ...caip122, message });
      }
      const fields = {
        nonce: randomBytes(8).toString('hex'),
        chainId,
        address: getAddress(address),
        domain: url.host,
        uri: issuer,
        issuedAt: new Date(),
        expirationTime: new Date(Date.now() + 60_000),
      };
      return json(201, {
        ...fields,
        issuedAt: fields.issuedAt.toISOString(),
        expirationTime: fields.expirationTime.toISOString(),
        message: createSiweMessage({ ...fields, statement: 'Sign in', version: '1' }),
      });
    }
    case 'POST /wallet/verify': {
      const { message } = JSON.parse(body) as { message: string };
      const bitcoin = /^\S+ wants you to sign in with your Bitcoin account:\n(\S+)\n/.exec(message);
      if (bitcoin) return json(200, { access_token: `${BITCOIN_MAINNET}:${bitcoin[1]}` });
      const solana = parseSignInMessageText(message);
      if (solana) {
        return json(200, { access_token: `${SOLANA_MAINNET}:${solana.address}` });
      }
      const fields = parseSiweMessage(message);
      return json(200, { access_token: `eip155:${fields.chainId}:${fields.address}` });
    }
    case 'GET /api/me': {
      const token = (req.headers.authorization ?? '').replace(/^(Bearer|DPoP) /, '');
      if (token === 'password' || token.includes('.')) {
        return json(200, { sub: 'user0', auth_method: 'password' });
      }
      if (token === 'passkey') return json(200, { sub: 'user0', auth_method: 'passkey' });
      if (token === 'oid4vp') return json(200, { sub: 'any', auth_method: 'oid4vp' });
      const method = token.startsWith('solana:')
        ? 'siws'
        : token.startsWith('bip122:')
          ? 'siwb'
          : 'siwe';
      return json(200, { sub: token, auth_method: method });
    }
    default:
      if (req.method === 'GET' && /^\/oid4vp\/requests\/\w+\/request$/.test(url.pathname)) {
        const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        const responseUri = `${issuer}/oid4vp/response`;
        const requestObject = {
          client_id: `redirect_uri:${responseUri}`,
          response_uri: responseUri,
          response_mode: 'direct_post',
          nonce: randomBytes(8).toString('hex'),
          state: randomBytes(8).toString('hex'),
          dcql_query: { credentials: [{ id: 'pid', claim_sets: [['given_name']] }] },
        };
        res.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt' });
        return void res.end(
          `${part({ alg: 'none', typ: 'oauth-authz-req+jwt' })}.${part(requestObject)}.`,
        );
      }
      if (req.method === 'GET' && url.pathname.startsWith('/oid4vp/requests/')) {
        return json(200, { status: 'signed_in', tokens: { access_token: 'oid4vp' } });
      }
      if (req.method === 'DELETE' && url.pathname.startsWith('/account/methods/')) {
        return json(200, { sub: 'user0', methods: [] });
      }
      return json(404, { error: 'not_found' });
  }
}
