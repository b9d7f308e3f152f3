import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { ProofKeys } from './proof-keys';
import { Refused } from './refusal';

const options = { typ: 'dpop+jwt', algorithms: ['ES256', 'RS256'] };

/** A client's ES256 DPoP key and proofs of it. */
async function client() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proof = (claims: Record<string, unknown> = {}) =>
    new SignJWT({ htm: 'GET', htu: 'https://api.example/x', jti: randomUUID(), ...claims })
      .setIssuedAt()
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
  return { jwk, proof };
}

describe('ProofKeys (DPoP proof keys imported once, remembered once admitted)', () => {
  it('imports a key for each proof until told the request was admitted, then takes the quick path', async () => {
    const keys = new ProofKeys(10);
    const { proof } = await client();
    const first = await keys.verify(await proof(), options);
    const second = await keys.verify(await proof(), options);
    expect(first.imported).toBeDefined();
    expect(second.imported).toBeDefined();
    expect(second.imported).not.toBe(first.imported);
    keys.remember(first.imported!);
    const third = await proof();
    expect(keys.verifyKnown(third)).toMatchObject({ alg: 'ES256', jkt: first.jkt });
    const fourth = await keys.verify(third, options);
    expect(fourth).toMatchObject({ alg: 'ES256', jkt: first.jkt });
    expect(fourth.imported).toBeUndefined();
  });

  it('leaves to jose what the quick path does not know: a bad signature, an exp', async () => {
    const keys = new ProofKeys(10);
    const { proof } = await client();
    keys.remember((await keys.verify(await proof(), options)).imported!);
    const good = await proof();
    const [header, payload, signature] = good.split('.');
    const tampered = `${header}.${payload}.${signature.slice(0, -2)}AA`;
    expect(keys.verifyKnown(tampered)).toBeUndefined();
    await expect(keys.verify(tampered, options)).rejects.toThrow('signature verification failed');
    expect(
      keys.verifyKnown(await proof({ exp: Math.floor(Date.now() / 1000) + 60 })),
    ).toBeUndefined();
  });

  it('keeps at most its capacity, the least recently used key going first', async () => {
    const keys = new ProofKeys(1);
    const [a, b] = [await client(), await client()];
    keys.remember((await keys.verify(await a.proof(), options)).imported!);
    keys.remember((await keys.verify(await b.proof(), options)).imported!);
    expect(keys.verifyKnown(await a.proof())).toBeUndefined();
    expect(keys.verifyKnown(await b.proof())).toBeDefined();
  });

  it('refuses a key the rules refuse before importing it (a 1024-bit RSA modulus): invalid_dpop_proof, never a TypeError', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${encode({ alg: 'RS256', typ: 'dpop+jwt', jwk })}.${encode({ htm: 'GET', htu: 'https://api.example/x', jti: 'j', iat: Math.floor(Date.now() / 1000) })}`;
    const weak = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    const refused = await new ProofKeys(10).verify(weak, options).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Refused);
    expect(refused).toMatchObject({
      status: 401,
      error: 'invalid_dpop_proof',
      description: 'The DPoP proof key is refused: an RSA modulus must be 2048 to 4096 bits',
      reason: 'weak_key',
    });
  });
});
