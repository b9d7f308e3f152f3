/**
 * Issue #79, hardware-bound passkeys, accepted from outside: written from the "Details
 * clients will rely on", docs/PASSKEYS-AND-ACCOUNTS.md and docs/CONFIGURATION.md, never from src/.
 * A passkey comes from the suite's own software authenticator and attestation CA
 * (webauthn-authenticator.ts). Two services of their own beside the folder's: one with
 * `PASSKEY_ATTESTATION=direct`, a trust list of one maker's root and `WEBAUTHN_RELATED_ORIGINS`,
 * one that also sets `PASSKEY_REQUIRE_HARDWARE=true`; the folder's service has no related origins.
 * Relied on: `acr` `phrh` above `phr` (a phrh sign-in meets phr, never the reverse), `amr` `hwk`,
 * `400 invalid_attestation` with the challenge spent, `400 untrusted_attestation` where hardware is
 * required, `hardware_bound` in GET /account/methods, and /.well-known/webauthn (200 with the
 * origins, cacheable, `application/json`; 404 without).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { CookieBrowser } from '../support/cookie-browser';
import { csrfOf } from '../support/login-form';
import {
  authorizeLocation,
  DEMO_CLIENT,
  demoClientTokens,
  type Json,
  passwordBrowser,
} from './people';
import { type ServiceProcess, startServiceProcess, useAcceptanceService } from './service';
import { AttestationAuthority, type Attestation, Passkey } from './webauthn-authenticator';

const folderService = useAcceptanceService();

const RELATED_ORIGINS = ['https://shop.example.com', 'https://accounts.example.org'];
/** The model the maker's certificates attest. */
const MODEL = '6028b017-b1d4-4c02-b4b3-afcdafc96bb2';

let folder: string;
let maker: AttestationAuthority;
let attested: ServiceProcess;
let strict: ServiceProcess;

beforeAll(async () => {
  maker = await AttestationAuthority.create('Acceptance Maker Root');
  folder = mkdtempSync(join(tmpdir(), 'proofgate-acceptance-roots-'));
  const roots = join(folder, 'roots.pem');
  writeFileSync(roots, maker.pem);
  const settings = {
    PASSKEY_ATTESTATION: 'direct',
    PASSKEY_TRUSTED_ATTESTATION_ROOTS: roots,
    WEBAUTHN_RELATED_ORIGINS: RELATED_ORIGINS.join(','),
    RATE_LIMIT_STORE: 'memory',
    RATE_LIMIT_LOGIN_PER_IP: '100000',
  };
  [attested, strict] = await Promise.all([
    startServiceProcess(settings),
    startServiceProcess({ ...settings, PASSKEY_REQUIRE_HARDWARE: 'true' }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([attested?.stop(), strict?.stop()]);
  rmSync(folder, { recursive: true, force: true });
}, 30_000);

/** An `account`-scoped access token of demo-client after a password sign-in of `username`. */
async function accountToken(issuer: string, username: string): Promise<string> {
  const browser = await passwordBrowser(issuer, username);
  return (await demoClientTokens(issuer, browser, 'account')).access_token as string;
}

function authorized(token: string) {
  return { 'content-type': 'application/json', authorization: `Bearer ${token}` };
}

/** The service's registration options for the account of `token`. */
async function creationOptions(issuer: string, token: string) {
  const options = await fetch(`${issuer}/passkeys/registration/options`, {
    method: 'POST',
    headers: authorized(token),
    body: '{}',
  });
  expect(options.status).toBe(200);
  return (await options.json()) as {
    challenge: string;
    user: { id: string };
    rp: { id: string };
    attestation: string;
  };
}

async function verifyRegistration(issuer: string, token: string, response: unknown) {
  const answer = await fetch(`${issuer}/passkeys/registration/verify`, {
    method: 'POST',
    headers: authorized(token),
    body: JSON.stringify(response),
  });
  return { status: answer.status, body: (await answer.json()) as Json };
}

/** A new passkey of `username`, from a fresh login: the passkey and the service's answer. */
async function register(
  issuer: string,
  username: string,
  options: { synced?: boolean; attestation?: Attestation } = {},
) {
  const token = await accountToken(issuer, username);
  const creation = await creationOptions(issuer, token);
  const passkey = new Passkey({ id: creation.rp.id, origin: issuer }, options);
  const answer = await verifyRegistration(issuer, token, passkey.register(creation));
  return { passkey, token, ...answer };
}

/** A browser signed in on the login page with `passkey` (as its script does). */
async function passkeyBrowser(issuer: string, passkey: Passkey): Promise<CookieBrowser> {
  const browser = new CookieBrowser();
  const page = await browser.get(`${issuer}/login`);
  const csrf = csrfOf(await page.text());
  const options = await browser.postJson(`${issuer}/passkeys/authentication/options`, {});
  expect(options.status).toBe(200);
  const signedIn = await browser.postJson(`${issuer}/login/passkey`, {
    response: passkey.assert((await options.json()) as { challenge: string }),
    csrf_token: csrf,
    return_to: '/',
  });
  expect(signedIn.status).toBe(200);
  return browser;
}

/** An essential `acr` claim of the ID token (OpenID Connect Core §5.5.1.1). */
const essential = (acr: string) =>
  JSON.stringify({ id_token: { acr: { essential: true, values: [acr] } } });

/** The ID token of demo-client's code flow in `browser`, asking for `acr` as essential. */
async function idTokenFor(issuer: string, browser: CookieBrowser, acr: string) {
  const tokens = await demoClientTokens(issuer, browser, 'openid', {
    nonce: 'n',
    claims: essential(acr),
  });
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
  };
  const { payload } = await jwtVerify(
    tokens.id_token as string,
    createRemoteJWKSet(new URL(discovery.jwks_uri)),
    { issuer, audience: DEMO_CLIENT.id },
  );
  return payload as JWTPayload & { acr?: string; amr?: string[] };
}

describe('acr levels: phrh above phr', () => {
  it('a hardware-bound passkey (attested by a listed root, not backup eligible) signs in at phrh with amr hwk, which meets an essential phr and phrh alike', async () => {
    const registered = await register(attested.issuer, 'user1', {
      attestation: await maker.attest(MODEL),
    });
    expect(registered.status).toBe(201);
    const browser = await passkeyBrowser(attested.issuer, registered.passkey);
    for (const required of ['phrh', 'phr']) {
      const idToken = await idTokenFor(attested.issuer, browser, required);
      expect({ required, acr: idToken.acr, amr: idToken.amr }).toEqual({
        required,
        acr: 'phrh',
        amr: ['hwk', 'user'],
      });
    }
  });

  it('a synced passkey of a listed model signs in at phr with amr pop, and never meets phrh: sent back to sign in, or refused under prompt=none', async () => {
    const registered = await register(attested.issuer, 'user0', {
      attestation: await maker.attest(MODEL),
      synced: true,
    });
    expect(registered.status).toBe(201);
    const browser = await passkeyBrowser(attested.issuer, registered.passkey);
    const idToken = await idTokenFor(attested.issuer, browser, 'phr');
    expect({ acr: idToken.acr, amr: idToken.amr }).toEqual({ acr: 'phr', amr: ['pop', 'user'] });

    const stepUp = await authorizeLocation(attested.issuer, browser, 'openid', {
      claims: essential('phrh'),
    });
    expect({ at: stepUp.pathname, code: stepUp.searchParams.get('code') }).toEqual({
      at: '/login',
      code: null,
    });
    expect(stepUp.searchParams.get('acr_values')).toBe('phrh');
    const none = await authorizeLocation(attested.issuer, browser, 'openid', {
      claims: essential('phrh'),
      prompt: 'none',
    });
    expect({ error: none.searchParams.get('error'), code: none.searchParams.get('code') }).toEqual({
      error: 'unmet_authentication_requirements',
      code: null,
    });
  });
});

describe('registration: what an attestation proves', () => {
  it('GET /account/methods marks each passkey hardware_bound true or false', async () => {
    const hardware = await register(attested.issuer, 'user0', {
      attestation: await maker.attest(MODEL),
    });
    const synced = await register(attested.issuer, 'user0', {
      attestation: await maker.attest(MODEL),
      synced: true,
    });
    const outsider = await AttestationAuthority.create('Unlisted Maker Root');
    const unlisted = await register(attested.issuer, 'user0', {
      attestation: await outsider.attest(MODEL),
    });
    const unattested = await register(attested.issuer, 'user0');
    for (const [what, answer, bound] of [
      ['hardware', hardware, true],
      ['synced', synced, false],
      ['unlisted root', unlisted, false],
      ['no attestation', unattested, false],
    ] as const) {
      expect({ what, status: answer.status, bound: answer.body.hardware_bound }).toEqual({
        what,
        status: 201,
        bound,
      });
    }
    const methods = await fetch(`${attested.issuer}/account/methods`, {
      headers: { authorization: `Bearer ${unattested.token}` },
    });
    expect(methods.status).toBe(200);
    const listed = ((await methods.json()) as { methods: Json[] }).methods;
    const boundOf = (passkey: Passkey) =>
      listed.find((m) => m.method === `passkey:${passkey.credentialId}`)?.hardware_bound;
    expect([hardware, synced, unlisted, unattested].map((r) => boundOf(r.passkey))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('an attestation statement that does not verify: 400 invalid_attestation, and its challenge is spent', async () => {
    const token = await accountToken(attested.issuer, 'user0');
    const creation = await creationOptions(attested.issuer, token);
    expect(creation.attestation).toBe('direct');
    const passkey = new Passkey(
      { id: creation.rp.id, origin: attested.issuer },
      { attestation: await maker.attest(MODEL) },
    );
    const refused = await verifyRegistration(
      attested.issuer,
      token,
      passkey.register(creation, { corruptSignature: true }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      error: 'invalid_attestation',
      error_description: expect.any(String) as string,
    });
    // The same challenge with a statement that verifies: spent by the refusal.
    const again = await verifyRegistration(attested.issuer, token, passkey.register(creation));
    expect(again.status).toBe(401);
    expect(again.body.error).toBe('challenge_already_used');
  });

  it('PASSKEY_REQUIRE_HARDWARE=true: a chain outside the trust list, a synced or an unattested passkey is 400 untrusted_attestation; a hardware-bound one registers', async () => {
    const outsider = await AttestationAuthority.create('Unlisted Maker Root');
    for (const [what, options] of [
      ['unlisted root', { attestation: await outsider.attest(MODEL) }],
      ['synced', { attestation: await maker.attest(MODEL), synced: true }],
      ['no attestation', {}],
    ] as const) {
      const refused = await register(strict.issuer, 'user0', options);
      expect({ what, status: refused.status, body: refused.body }).toEqual({
        what,
        status: 400,
        body: {
          error: 'untrusted_attestation',
          error_description: expect.stringContaining('PASSKEY_REQUIRE_HARDWARE') as string,
        },
      });
    }
    const accepted = await register(strict.issuer, 'user0', {
      attestation: await maker.attest(MODEL),
    });
    expect({ status: accepted.status, bound: accepted.body.hardware_bound }).toEqual({
      status: 201,
      bound: true,
    });
  });
});

describe('/.well-known/webauthn (Related Origin Requests)', () => {
  it('answers the configured origins as cacheable JSON', async () => {
    const answer = await fetch(`${attested.issuer}/.well-known/webauthn`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('cache-control')).toMatch(/\bmax-age=[1-9]\d*/);
    expect(answer.headers.get('cache-control')).not.toMatch(/no-store|private/);
    expect(await answer.json()).toEqual({ origins: RELATED_ORIGINS });
  });

  it('is absent (404, the error envelope) where no related origins are configured', async () => {
    const answer = await fetch(`${folderService().issuer}/.well-known/webauthn`);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toEqual({
      error: 'not_found',
      error_description: expect.any(String) as string,
    });
  });
});
