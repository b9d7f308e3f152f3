/**
 * The presentation phase (#50): identity-wallet sign-ins answered at the response URI. Before the
 * phase, a registered client's script asks for one request per sign-in (`POST /oid4vp/requests
 * { client_id }`), the holder fetches each request object and presents its one PID with a
 * key-binding JWT over that request's nonce and client_id; the phase posts the answers
 * (direct_post). The holder is the lab's (src/lab-client/identity-wallet-holder.ts: @sd-jwt/*,
 * jose), built from the libraries examples/identity-wallet.mjs uses; nothing here imports the
 * service's code.
 */
import { request } from 'undici';
import type { RequestSpec } from '../loadgen/protocol';
import { inBatches } from './browser';
import {
  DEMO_ISSUER,
  DEMO_ISSUER_PUBLIC_JWK,
  type Holder,
  PID_VCT,
  askedClaims,
  directPostBody,
  issueCredential,
  newHolder,
  present,
  readRequestObject,
} from '../../src/lab-client/identity-wallet-holder';

/** Requests asked for and request objects fetched at once while a phase is prepared. */
const PREPARE_CONCURRENCY = 16;
/** The seeded first-party public client whose script asks (a script's request takes no other). */
const SCRIPT_CLIENT = 'demo-spa';

/**
 * OID4VP_TRUSTED_ISSUERS for the bench's production Proofgate: the demo issuer, which production
 * never trusts by default, listed as an operator lists an issuer (its public JWK inline).
 */
export const BENCH_TRUSTED_ISSUERS = JSON.stringify([
  {
    issuer: DEMO_ISSUER,
    jwks: { keys: [{ ...DEMO_ISSUER_PUBLIC_JWK, alg: 'ES256', use: 'sig' }] },
    vct: [PID_VCT],
  },
]);

/** The one holder of the run and its PID: every sign-in after the first is a returning one. */
export interface BenchHolder {
  readonly holder: Holder;
  readonly credential: string;
}

/**
 * The holder and its PID, signed in once: its first sign-in makes its account, and the phases
 * measure returning ones (many concurrent first sign-ins of one credential would each try to
 * make that account, and count against ACCOUNT_CREATIONS_PER_IP_PER_HOUR).
 */
export async function newBenchHolder(origin: string): Promise<BenchHolder> {
  const holder = await newHolder();
  const signedIn = { holder, credential: await issueCredential({ holder }) };
  const [first] = await presentationAnswers(signedIn, await presentationRequests(origin, 1));
  const answered = await request(`${origin}${first.path}`, {
    method: 'POST',
    headers: first.headers,
    body: first.body,
  });
  await answered.body.dump();
  if (answered.statusCode !== 200) {
    throw new Error(`the holder's first sign-in answered ${answered.statusCode}`);
  }
  return signedIn;
}

/** `n` requests of demo-spa's script (scope openid), each read as its wallet reads it. */
export function presentationRequests(origin: string, n: number) {
  return inBatches(n, PREPARE_CONCURRENCY, async () => {
    const created = await request(`${origin}/oid4vp/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: SCRIPT_CLIENT, scope: 'openid' }),
    });
    const body = (await created.body.json()) as { request_uri?: string };
    if (created.statusCode !== 201 || body.request_uri === undefined) {
      throw new Error(`POST /oid4vp/requests answered ${created.statusCode}`);
    }
    const fetched = await request(body.request_uri);
    if (fetched.statusCode !== 200) {
      throw new Error(`GET request_uri answered ${fetched.statusCode}`);
    }
    return readRequestObject(await fetched.body.text());
  });
}

/**
 * Each request answered by the holder, signed now (the key-binding JWT's iat must be fresh), as
 * the posts to each request's response URI (its path on `origin`).
 */
export async function presentationAnswers(
  { holder, credential }: BenchHolder,
  requests: Awaited<ReturnType<typeof presentationRequests>>,
): Promise<RequestSpec[]> {
  const answers: RequestSpec[] = [];
  for (const presentationRequest of requests) {
    const presentation = await present(holder, credential, askedClaims(presentationRequest), {
      aud: presentationRequest.client_id,
      nonce: presentationRequest.nonce,
    });
    answers.push({
      method: 'POST',
      path: new URL(presentationRequest.response_uri).pathname,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: directPostBody(presentationRequest, presentation),
    });
  }
  return answers;
}
