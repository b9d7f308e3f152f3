// A Shared Signals receiver in poll mode (SSF 1.0, RFC 8936): takes an `ssf` token as an
// operator-registered receiver client, creates a poll stream for the events that carry no email
// address (asking for the others is a trust decision: docs/SHARED-SIGNALS.md), then polls it,
// verifies each Security Event Token with jose against Proofgate's JWKS, prints it and
// acknowledges it; one that fails verification is printed and refused (RFC 8936 `setErrs`). Its
// token is renewed before it expires, and when a call is refused with 401.
// Stop it with Ctrl-C (the stream is deleted on the way out).
//
//   SSF_RECEIVER_ID=my-receiver SSF_RECEIVER_SECRET=... node examples/ssf-receiver.mjs
//
// The client needs `"ssf_receiver": true` and `"grant_types": ["client_credentials"]` in its
// OAUTH_CLIENTS entry (or `proofgate-admin clients add --ssf-receiver ...`): docs/SHARED-SIGNALS.md.

import { createRemoteJWKSet, jwtVerify } from 'jose';

const base = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
const id = process.env.SSF_RECEIVER_ID;
const secret = process.env.SSF_RECEIVER_SECRET;
if (!id || !secret) {
  console.error('Set SSF_RECEIVER_ID and SSF_RECEIVER_SECRET (a client marked ssf_receiver).');
  process.exit(1);
}

/** The answer's JSON, or the error envelope printed and the process ended. */
async function call(url, init) {
  return answer(url, init, await fetch(url, init));
}

async function answer(url, init, response) {
  const text = await response.text();
  const body = text ? JSON.parse(text) : {};
  if (!response.ok) {
    console.error(
      `${init?.method ?? 'GET'} ${url}: ${response.status} ${body.error}: ${body.error_description}`,
    );
    process.exit(1);
  }
  return body;
}

const metadata = await call(new URL('/.well-known/ssf-configuration', base));
let token;
let renewAt = 0;
/**
 * A call of the stream API with the receiver's `ssf` token, renewed before it expires, and once
 * more when the call is refused (401: expired early by another clock, or revoked).
 */
async function api(url, init = {}) {
  let response = await fetch(url, { ...init, headers: await auth() });
  if (response.status === 401) {
    renewAt = 0;
    response = await fetch(url, { ...init, headers: await auth() });
  }
  return answer(url, init, response);
}

/** The headers of a stream API call: a fresh `ssf` token once the last is near its expiry. */
async function auth() {
  if (Date.now() >= renewAt) {
    token = await call(new URL('/token', base), {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'ssf' }),
    });
    // A minute before it expires (ACCESS_TOKEN_TTL_SECONDS), or halfway through a shorter life.
    renewAt = Date.now() + Math.max(token.expires_in - 60, token.expires_in / 2) * 1000;
  }
  return { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' };
}

const stream = await api(metadata.configuration_endpoint, {
  method: 'POST',
  body: JSON.stringify({
    delivery: { method: 'urn:ietf:rfc:8936' },
    events_requested: [
      'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
      'https://schemas.openid.net/secevent/caep/event-type/credential-change',
      'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
      'https://schemas.openid.net/secevent/risc/event-type/account-enabled',
      'https://schemas.openid.net/secevent/risc/event-type/credential-compromise',
    ],
    description: 'examples/ssf-receiver.mjs',
  }),
});
console.log(`Stream ${stream.stream_id}: polling ${stream.delivery.endpoint_url}`);
const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri));

let stopping = false;
// Ctrl-C ends the long poll in flight first: answered after the stream is deleted, it would be a
// 404 that ends the receiver as a failure.
const polling = new AbortController();
// The deletion is a stream API call like the others: its token renewed once on a 401 (the last
// one may have expired by the service's clock before any poll was refused), a refusal printed.
process.on('SIGINT', async () => {
  stopping = true;
  polling.abort();
  await api(`${metadata.configuration_endpoint}?stream_id=${stream.stream_id}`, {
    method: 'DELETE',
  });
  process.exit(0);
});

/** jose's verdicts on the SET itself; any other error (fetching the keys) is not the SET's fault. */
const VERDICTS = new Set([
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
]);

let ack = [];
let setErrs = {};
while (!stopping) {
  // returnImmediately false: Proofgate holds the poll up to SSF_LONG_POLL_MS while none waits.
  let sets;
  try {
    ({ sets } = await api(stream.delivery.endpoint_url, {
      method: 'POST',
      body: JSON.stringify({ ack, setErrs, maxEvents: 10, returnImmediately: false }),
      signal: polling.signal,
    }));
  } catch (error) {
    if (stopping) break; // the poll Ctrl-C ended: the stream's deletion ends the process
    throw error;
  }
  ack = [];
  setErrs = {};
  for (const [jti, set] of Object.entries(sets)) {
    try {
      const { payload } = await jwtVerify(set, jwks, {
        issuer: metadata.issuer,
        audience: id,
        typ: 'secevent+jwt',
      });
      console.log(JSON.stringify(payload, null, 2));
      ack.push(jti);
    } catch (error) {
      // Keys not fetched (a timeout, a network error): neither acknowledged nor refused, so the
      // next poll brings it again.
      if (!VERDICTS.has(error.code)) {
        console.error(`SET ${jti} not verified yet (${error.message}): polled again`);
        continue;
      }
      // RFC 8935 §2.3's codes: the issuer or the audience, else the signature or the form.
      const claim = error.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' ? error.claim : undefined;
      const err =
        claim === 'iss'
          ? 'invalid_issuer'
          : claim === 'aud'
            ? 'invalid_audience'
            : 'invalid_request';
      console.error(`Refused SET ${jti}: ${error.message}`);
      setErrs[jti] = { err, description: error.message };
    }
  }
}
