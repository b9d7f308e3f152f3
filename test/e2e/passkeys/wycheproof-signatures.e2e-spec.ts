/**
 * Passkey sign-in with the signature corner cases of Project Wycheproof's P-256 DER vectors, end
 * to end: a real assertion of the software authenticator whose DER signature is re-encoded the
 * ways ecdsa_secp256r1_sha256_test.json calls invalid (BER lengths, bytes after the sequence),
 * which @simplewebauthn/server verified (WebAuthn §6.5.6 wants DER), and a vector's malformed
 * signature as it stands: each is a 401 invalid_credential_response in the error envelope, never
 * a sign-in and never a 5xx. The whole file of vectors runs in assertion-signature.wycheproof.spec.ts.
 */
import { SoftwareAuthenticator } from '../../../src/lab-client/software-authenticator';
import { accountToken } from '../../support/accounts';
import { wycheproofTests } from '../../support/wycheproof-vectors';
import { registerPasskey } from '../../support/passkeys';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const ISSUER = 'http://localhost:25000';

type Assertion = ReturnType<SoftwareAuthenticator['assert']>;

/** The assertion with its signature bytes replaced by `reencode(signature)`. */
function reencoded(assertion: Assertion, reencode: (der: Buffer) => Buffer): Assertion {
  const der = Buffer.from(assertion.response.signature, 'base64url');
  return {
    ...assertion,
    response: { ...assertion.response, signature: reencode(der).toString('base64url') },
  };
}

/** The same r and s, in encodings BER allows and DER does not (X.690 §8.1.3, §10.1). */
const NOT_DER: readonly [string, (der: Buffer) => Buffer][] = [
  // Wycheproof flag BerEncodedSignature: "length of sequence [r, s] uses long form encoding".
  ['a long-form length', (der) => Buffer.concat([Buffer.of(0x30, 0x81, der[1]), der.subarray(2)])],
  // BerEncodedSignature: "indefinite length".
  [
    'an indefinite length',
    (der) => Buffer.concat([Buffer.of(0x30, 0x80), der.subarray(2), Buffer.of(0, 0)]),
  ],
  // ModifiedSignature: "appending 0's to sequence [r, s]" (the length counts them).
  [
    'zeros appended inside the sequence',
    (der) => Buffer.concat([Buffer.of(0x30, der[1] + 2), der.subarray(2), Buffer.of(0, 0)]),
  ],
];

describe('passkey signatures: Wycheproof corner cases over HTTP', () => {
  let authenticator: SoftwareAuthenticator;

  const t = useTestApp({ ISSUER, RATE_LIMIT_LOGIN_PER_IP: '1000' });
  beforeAll(async () => {
    authenticator = new SoftwareAuthenticator({ rpId: 'localhost', origin: ISSUER });
    const token = await accountToken(t, 'user0', 'openid account');
    await registerPasskey(t, token, authenticator);
  });

  const signIn = async (sign: (challenge: { challenge: string }) => Assertion) => {
    const options = await t.http().post('/passkeys/authentication/options').send({}).expect(200);
    return t
      .http()
      .post('/passkeys/authentication/verify')
      .send({ response: sign(options.body as { challenge: string }) });
  };

  it('the authenticator signs in with its DER signature (the control)', async () => {
    const res = await signIn((options) => authenticator.assert(options));
    expect(res.status).toBe(200);
  });

  it.each(NOT_DER)(
    'the same signature with %s: 401 invalid_credential_response',
    async (_, reencode) => {
      const res = await signIn((options) => reencoded(authenticator.assert(options), reencode));
      expectRefusal(
        res,
        401,
        'invalid_credential_response',
        'The credential response does not verify',
      );
    },
  );

  it('a vector whose signature is no ECDSA-Sig-Value at all: 401, not a 5xx', async () => {
    // tcId 232: "Signature encoding contains incorrect types: r=0, s=0.25" (a REAL where s goes).
    const vector = wycheproofTests('ecdsa_secp256r1_sha256_test.json').find(
      ({ test }) => test.tcId === 232,
    )!.test;
    expect(vector.flags).toEqual(['InvalidTypesInSignature']);
    const res = await signIn((options) =>
      reencoded(authenticator.assert(options), () => Buffer.from(vector.sig, 'hex')),
    );
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_credential_response');
  });
});
