import { calculateJwkThumbprint, exportJWK, type GenerateKeyPairResult } from 'jose';
import { ReusedKeyPairs } from './reused-key-pairs';

const kidOf = async (pair: Promise<GenerateKeyPairResult>) =>
  calculateJwkThumbprint(await exportJWK((await pair).publicKey));

describe('ReusedKeyPairs (the e2e apps’ signing key pairs)', () => {
  it('hands one database distinct pairs, and another database the same ones again, in order', async () => {
    const first = new ReusedKeyPairs('mongodb://db/reused-a');
    const a = await Promise.all([first.generate('ES256'), first.generate('ES256')].map(kidOf));
    // A second app on the same database continues where the first stopped.
    const sameDatabase = await kidOf(new ReusedKeyPairs('mongodb://db/reused-a').generate('ES256'));
    const other = new ReusedKeyPairs('mongodb://db/reused-b');
    const b = await Promise.all([other.generate('ES256'), other.generate('ES256')].map(kidOf));

    expect(new Set([...a, sameDatabase]).size).toBe(3);
    expect(b).toEqual(a);
  });

  it('keeps each alg apart, extractable as the service stores them', async () => {
    const pairs = new ReusedKeyPairs('mongodb://db/reused-c');
    const es = await pairs.generate('ES256');
    const rs = await pairs.generate('RS256');
    expect([es.privateKey.algorithm.name, rs.privateKey.algorithm.name]).toEqual([
      'ECDSA',
      'RSASSA-PKCS1-v1_5',
    ]);
    expect(es.privateKey.extractable).toBe(true);
  });
});
