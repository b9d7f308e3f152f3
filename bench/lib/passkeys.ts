/**
 * The passkey sign-in phase: one passkey registered for user0 through the public API (an
 * account-scoped token from a real authorization, the registration ceremony), then, before each
 * phase, one challenge per request from POST /passkeys/authentication/options and an assertion
 * signed over it by the software authenticator of the tests (ES256, node:crypto). The
 * authenticator never counts (counter 0), as synced passkeys (iCloud Keychain, Google Password
 * Manager) do: the requests of a phase run concurrently, and a counting authenticator's
 * assertions would arrive out of order and be refused as counter regressions.
 *
 * Beside it, a hardware-bound passkey (issue #79): registered by user1 with a `packed`
 * attestation whose certificate a bench CA issued, the CA's root the service's trust list
 * (PASSKEY_TRUSTED_ATTESTATION_ROOTS), its backup-eligible flag clear. Its sign-ins achieve `acr`
 * phrh: the phase `proofgate.passkey-phrh`, against the plain passkey's in the same round.
 */
// @peculiar/x509 (the attestation CA's) needs the reflect polyfill before it loads.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type { RequestSpec } from '../loadgen/protocol';
import {
  type PackedAttestation,
  SoftwareAuthenticator,
} from '../../src/lab-client/software-authenticator';
import { packedAttestation, rootCa } from '../../test/support/attestation-ca';
import { Browser, inBatches } from './browser';
import { authorizationRequest } from '../../src/lab-client/authorization-request';
import { DEMO_CLIENT, codeExchangeRequest, codeFromRedirect } from './pkce';

/** The RP ID and origin the bench's Proofgate accepts (WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS). */
export const PASSKEY_RP_ID = 'localhost';
export const PASSKEY_ORIGIN = 'http://localhost';

async function postJson(
  origin: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; json: unknown }> {
  const res = await request(`${origin}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: await res.body.json() };
}

/** An access token with the `account` scope for the browser's (fresh) login of user0. */
async function accountToken(browser: Browser): Promise<string> {
  const { query, state, verifier } = authorizationRequest(DEMO_CLIENT, 'account');
  const authorized = await browser.get(`/authorize?${query}`);
  const code = codeFromRedirect(authorized.location, state);
  const { path, ...exchange } = codeExchangeRequest(DEMO_CLIENT, { code, verifier });
  const res = await request(`${browser.origin}${path}`, exchange);
  const body = (await res.body.json()) as { access_token?: string };
  if (res.statusCode !== 200 || !body.access_token) throw new Error(`token: ${res.statusCode}`);
  return body.access_token;
}

/** The bench's attestation CA: its root (a PEM file, the trust list) and an authenticator model. */
export interface BenchAttestation {
  /** PASSKEY_TRUSTED_ATTESTATION_ROOTS for the service. */
  readonly rootsFile: string;
  readonly packed: PackedAttestation;
}

/** A root made for this run (nothing committed) and an attestation certificate it issued. */
export async function benchAttestation(): Promise<BenchAttestation> {
  const root = await rootCa('Proofgate Bench Attestation Root');
  const rootsFile = join(mkdtempSync(join(tmpdir(), 'proofgate-bench-attestation-')), 'roots.pem');
  writeFileSync(rootsFile, root.certificate.toString('pem'));
  return { rootsFile, packed: await packedAttestation(root, randomUUID()) };
}

/**
 * Registers a passkey for the browser's user (logged in moments ago): a synced one without
 * attestation, or, given `attestation`, a device-bound one it attests (hardware-bound).
 */
export async function registerPasskey(
  browser: Browser,
  attestation?: PackedAttestation,
): Promise<SoftwareAuthenticator> {
  const token = await accountToken(browser);
  const authenticator = new SoftwareAuthenticator({
    rpId: PASSKEY_RP_ID,
    origin: PASSKEY_ORIGIN,
    counts: false,
    synced: attestation === undefined,
    ...(attestation === undefined ? {} : { attestation }),
  });
  const options = await postJson(browser.origin, '/passkeys/registration/options', {}, token);
  if (options.status !== 200) throw new Error(`registration options: ${options.status}`);
  const created = authenticator.register(
    options.json as { challenge: string; user: { id: string } },
  );
  const verified = await postJson(browser.origin, '/passkeys/registration/verify', created, token);
  if (verified.status !== 201) throw new Error(`registration: ${verified.status}`);
  const hardwareBound = (verified.json as { hardware_bound?: unknown }).hardware_bound === true;
  if (hardwareBound !== (attestation !== undefined)) {
    throw new Error(`registration: hardware_bound ${String(hardwareBound)}, not as attested`);
  }
  return authenticator;
}

/** n sign-ins: a challenge each from the server, and the assertion over it. */
export async function passkeyRequests(
  origin: string,
  authenticator: SoftwareAuthenticator,
  n: number,
): Promise<RequestSpec[]> {
  return inBatches(n, 16, async () => {
    const options = await postJson(origin, '/passkeys/authentication/options', {});
    if (options.status !== 200) throw new Error(`authentication options: ${options.status}`);
    return {
      method: 'POST' as const,
      path: '/passkeys/authentication/verify',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response: authenticator.assert(options.json as { challenge: string }),
      }),
    };
  });
}
