import { ES256 } from '@sd-jwt/crypto-nodejs';
import { calculateJwkThumbprint } from 'jose';
import { sha256Base64Url } from '../platform/crypto/hashing';
import { credentialSubjectHash } from './credential-subject';

const ISSUER = 'https://pid.example';
const PAN = ['personal_administrative_number'];
const NAMES = ['given_name', 'family_name', 'birthdate'];
/** Plainly fake people: two namesakes born the same day. */
const ALICE = { given_name: 'Alice', family_name: 'Example', birthdate: '1990-04-01' };
const ALICE_1 = { ...ALICE, personal_administrative_number: 'FAKE-1' };
const ALICE_2 = { ...ALICE, personal_administrative_number: 'FAKE-2' };

const newKey = async () => (await ES256.generateKeyPair()).publicKey as Record<string, unknown>;

describe('credentialSubjectHash: sub, else the subject claims, else the holder key', () => {
  it('takes `sub` first, whatever else was disclosed', async () => {
    const key = await newKey();
    const bySub = sha256Base64Url(JSON.stringify([ISSUER, 'sub', 's-1']));
    await expect(credentialSubjectHash(ISSUER, { ...ALICE_1, sub: 's-1' }, PAN, key)).resolves.toBe(
      bySub,
    );
    await expect(credentialSubjectHash(ISSUER, { sub: 's-1' }, PAN, await newKey())).resolves.toBe(
      bySub,
    );
  });

  it('else the subject claims: the same number under another key is the same person', async () => {
    const byNumber = sha256Base64Url(
      JSON.stringify([ISSUER, 'claims', [['personal_administrative_number', 'FAKE-1']]]),
    );
    await expect(credentialSubjectHash(ISSUER, ALICE_1, PAN, await newKey())).resolves.toBe(
      byNumber,
    );
    await expect(
      credentialSubjectHash(
        ISSUER,
        { personal_administrative_number: 'FAKE-1' },
        PAN,
        await newKey(),
      ),
    ).resolves.toBe(byNumber);
  });

  it('namesakes: another number, or none, is another person', async () => {
    const key = await newKey();
    const keys = await Promise.all([
      credentialSubjectHash(ISSUER, ALICE_1, PAN, key),
      credentialSubjectHash(ISSUER, ALICE_2, PAN, key),
      credentialSubjectHash(ISSUER, ALICE, PAN, key),
      credentialSubjectHash(ISSUER, ALICE, PAN, await newKey()),
    ]);
    expect(new Set(keys).size).toBe(4);
  });

  it('else the holder key: a credential without the subject claims, or with one null or empty', async () => {
    const key = await newKey();
    const byKey = sha256Base64Url(
      JSON.stringify([ISSUER, 'cnf', await calculateJwkThumbprint(key)]),
    );
    for (const claims of [
      ALICE,
      { age_over_18: true },
      { ...ALICE, personal_administrative_number: null },
      { ...ALICE, personal_administrative_number: '' },
      { sub: '', ...ALICE },
    ]) {
      await expect(credentialSubjectHash(ISSUER, claims, PAN, key)).resolves.toBe(byKey);
    }
    // No subject claims at all names nobody (never one key for the whole issuer).
    await expect(credentialSubjectHash(ISSUER, ALICE_1, [], key)).resolves.toBe(byKey);
  });

  it('per issuer; the configured claims all, in their order (OID4VP_SUBJECT_CLAIMS)', async () => {
    const key = await newKey();
    const here = await credentialSubjectHash(ISSUER, ALICE_1, PAN, key);
    await expect(
      credentialSubjectHash('https://other-pid.example', ALICE_1, PAN, key),
    ).resolves.not.toBe(here);
    // A deployment that kept the old list: namesakes share its key (why it is no longer the default).
    const byNames = await credentialSubjectHash(ISSUER, ALICE_1, NAMES, key);
    expect(byNames).toBe(
      sha256Base64Url(
        JSON.stringify([
          ISSUER,
          'claims',
          NAMES.map((name) => [name, (ALICE as Record<string, string>)[name]]),
        ]),
      ),
    );
    await expect(credentialSubjectHash(ISSUER, ALICE_2, NAMES, await newKey())).resolves.toBe(
      byNames,
    );
    // One of them missing: the holder key.
    const withoutBirthdate = { ...ALICE_1, birthdate: undefined };
    await expect(credentialSubjectHash(ISSUER, withoutBirthdate, NAMES, key)).resolves.toBe(
      await credentialSubjectHash(ISSUER, {}, NAMES, key),
    );
  });
});
