// Sign in with an identity wallet (OpenID4VP 1.0, an SD-JWT VC) from a command line: this script is
// both the relying party's script and the holder. As the holder it issues itself a test PID with
// the published demo issuer key (trusted by a development Proofgate only: anyone can mint these,
// so production never trusts it), resolves the verifier's signed request with
// @openid4vc/openid4vp, discloses what the DCQL query asks for with @sd-jwt/sd-jwt-vc (a
// key-binding JWT over the request's nonce and client_id), posts the answer, then polls with its
// handle and prints the ID token's claims and /api/me. See docs/IDENTITY-WALLETS.md.
//
//   node examples/identity-wallet.mjs
//   PROOFGATE_URL=http://localhost:25000 node examples/identity-wallet.mjs

import { X509Certificate, createHash } from 'node:crypto';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { setGlobalConfig } from '@openid4vc/utils';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { compactVerify, decodeJwt, decodeProtectedHeader, importX509 } from 'jose';

const base = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
// The development verifier answers on http (the library refuses http URLs otherwise).
setGlobalConfig({ allowInsecureUrls: true });

/** The demo PID issuer (src/config/sections/oid4vp.config.ts trusts its public key outside production). */
const DEMO_ISSUER = 'https://demo-pid-issuer.proofgate.example';
const DEMO_ISSUER_PRIVATE_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'cGLMUPogIdO-vUy4A620v0UZyVEc11MiHJ6rQ3v4mWg',
  y: '_yBdk25uUrqf_dOC4Lw0PD6fQzkH0XCru9Tfz07gp8k',
  d: 'iUdT0TZwv3UKSRiNEktjXhAqBrMfLaUY4cQtPnEIcOc',
  kid: 'demo-pid-issuer-1',
};

/** fetch, or one line on how to start a Proofgate when none answers. */
async function call(url, init) {
  try {
    return await fetch(new URL(url, base), init);
  } catch (error) {
    console.error(
      `No Proofgate answers at ${base} (${error.cause?.code ?? error.cause?.message ?? error.message}): start one with \`npm start\`, or set PROOFGATE_URL.`,
    );
    process.exit(1);
  }
}

/** The answer's JSON, or the process ends with the error envelope. */
async function json(path, init) {
  const response = await call(path, init);
  const body = await response.json();
  if (!response.ok) {
    console.error(`${path}: ${response.status} ${body.error}: ${body.error_description}`);
    process.exit(1);
  }
  return body;
}

// 1. The holder: a key of its own, and a PID bound to it, every claim selectively disclosable.
//    Plainly fake data; the personal administrative number (unique per person at the issuer)
//    keys the account, so every run, with a new key each time, signs in to the same account.
const holder = await ES256.generateKeyPair();
const claims = {
  given_name: 'Alice',
  family_name: 'Example',
  birthdate: '1990-04-01',
  personal_administrative_number: 'FAKE-PAN-ALICE-0001',
  age_over_18: true,
};
const now = Math.floor(Date.now() / 1000);
const credential = await new SDJwtVcInstance({
  signer: await ES256.getSigner(DEMO_ISSUER_PRIVATE_JWK),
  signAlg: 'ES256',
  hasher: digest,
  hashAlg: 'sha-256',
  saltGenerator: generateSalt,
}).issue(
  {
    iss: DEMO_ISSUER,
    vct: 'urn:eudi:pid:1',
    iat: now,
    exp: now + 3600,
    cnf: { jwk: holder.publicKey },
    ...claims,
  },
  { _sd: Object.keys(claims) },
  { header: { typ: 'dc+sd-jwt', kid: DEMO_ISSUER_PRIVATE_JWK.kid } },
);

// 2. The relying party's script: a request for demo-spa (a first-party public client: a script's
//    request authenticates no client), signed with the verifier certificate.
const created = await json('/oid4vp/requests', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    client_id: 'demo-spa',
    scope: 'openid identity',
    client_id_prefix: 'x509_hash',
  }),
});
console.log(
  `Authorization request (a link, or a QR code for a phone):\n${created.authorization_request}\n`,
);

// 3. The wallet: resolves the request (fetches the request object, checks its x5c signature and
//    that client_id is the hash of that certificate), discloses what the query asks, answers.
const wallet = new Openid4vpClient({
  callbacks: {
    fetch,
    hash: (data, alg) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
    verifyJwt: async (signer, jwt) => {
      if (signer.method !== 'x5c') return { verified: false };
      const pem = `-----BEGIN CERTIFICATE-----\n${signer.x5c[0]}\n-----END CERTIFICATE-----`;
      try {
        await compactVerify(
          jwt.compact,
          await importX509(pem, decodeProtectedHeader(jwt.compact).alg),
        );
        return { verified: true, signerJwk: { kty: 'EC' } };
      } catch {
        return { verified: false };
      }
    },
    getX509CertificateMetadata: (certificate) => {
      const pem = `-----BEGIN CERTIFICATE-----\n${certificate}\n-----END CERTIFICATE-----`;
      const names = (new X509Certificate(pem).subjectAltName ?? '').split(', ');
      const of = (kind) =>
        names.filter((name) => name.startsWith(kind)).map((name) => name.slice(kind.length));
      return { sanDnsNames: of('DNS:'), sanUriNames: of('URI:') };
    },
    signJwt: () => {
      throw new Error('the wallet signs nothing with this callback');
    },
    encryptJwe: () => {
      throw new Error('direct_post: nothing is encrypted');
    },
    decryptJwe: () => {
      throw new Error('the wallet decrypts nothing');
    },
  },
});
const resolved = await wallet.resolveOpenId4vpAuthorizationRequest({
  authorizationRequestPayload: Object.fromEntries(
    new URL(created.authorization_request).searchParams,
  ),
});
const request = resolved.authorizationRequestPayload;
const [query] = request.dcql_query.credentials;
const asked = query.claim_sets?.[0] ?? query.claims.map(({ path }) => path[0]);
const presentation = await new SDJwtVcInstance({
  hasher: digest,
  hashAlg: 'sha-256',
  kbSigner: await ES256.getSigner(holder.privateKey),
  kbSignAlg: 'ES256',
}).present(credential, Object.fromEntries(asked.map((claim) => [claim, true])), {
  kb: {
    payload: { aud: request.client_id, nonce: request.nonce, iat: Math.floor(Date.now() / 1000) },
  },
});
const answer = await wallet.createOpenid4vpAuthorizationResponse({
  authorizationRequestPayload: request,
  authorizationResponsePayload: { vp_token: { [query.id]: [presentation] } },
});
const submitted = await wallet.submitOpenid4vpAuthorizationResponse({
  authorizationRequestPayload: request,
  authorizationResponsePayload: answer.authorizationResponsePayload,
});
if (!submitted.response.ok) {
  const refusal = await submitted.response.json();
  console.error(
    `${request.response_uri}: ${submitted.response.status} ${refusal.error}: ${refusal.error_description}`,
  );
  process.exit(1);
}
console.log(`The wallet disclosed ${asked.join(', ')} to ${request.client_id}`);

// 4. The script polls with its handle: the client's token response, given once.
const polled = await json(`/oid4vp/requests/${created.id}`, {
  headers: { authorization: `Bearer ${created.handle}` },
});
if (polled.status !== 'signed_in') {
  console.error(`GET /oid4vp/requests/${created.id}: ${polled.status}`);
  process.exit(1);
}
const { iss, sub, amr, given_name, family_name, birthdate } = decodeJwt(polled.tokens.id_token);
console.log(
  JSON.stringify({ id_token: { iss, sub, amr, given_name, family_name, birthdate } }, null, 2),
);
console.log(
  JSON.stringify(
    await json('/api/me', { headers: { authorization: `Bearer ${polled.tokens.access_token}` } }),
    null,
    2,
  ),
);
