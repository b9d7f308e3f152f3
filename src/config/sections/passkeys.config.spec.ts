import { pemOf, rootCa, settingFile } from '../../../test/support/attestation-ca';
import { AppConfig } from '../app-config';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate', NODE_ENV: 'test' };
const passkeys = (env: Record<string, string>) => AppConfig.fromEnv({ ...base, ...env }).passkeys;

describe('passkey attestation settings (PASSKEY_ATTESTATION and the trust list)', () => {
  it('default: no attestation asked for, nothing trusted, nothing required', () => {
    expect(passkeys({})).toMatchObject({
      attestation: 'none',
      trustedAttestationRoots: [],
      mdsRoots: [],
      requireHardware: false,
      allowedAaguids: [],
    });
  });

  it('reads the roots file (one or more PEM certificates) and the AAGUID list, normalised', async () => {
    const [one, two] = await Promise.all([rootCa('One'), rootCa('Two')]);
    const config = passkeys({
      PASSKEY_ATTESTATION: 'direct',
      PASSKEY_TRUSTED_ATTESTATION_ROOTS: settingFile('roots.pem', pemOf(one, two)),
      PASSKEY_REQUIRE_HARDWARE: 'true',
      PASSKEY_ALLOWED_AAGUIDS:
        ' CB69481E-8FF7-4039-93EC-0A2729A154A8 ,cb69481e-8ff7-4039-93ec-0a2729a154a8',
    });
    expect(config.trustedAttestationRoots).toHaveLength(2);
    expect(config.requireHardware).toBe(true);
    expect(config.allowedAaguids).toEqual(['cb69481e-8ff7-4039-93ec-0a2729a154a8']);
  });

  it.each([
    [
      { PASSKEY_TRUSTED_ATTESTATION_ROOTS: '/nonexistent/roots.pem' },
      'PASSKEY_TRUSTED_ATTESTATION_ROOTS: cannot read "/nonexistent/roots.pem"',
    ],
    [
      { PASSKEY_TRUSTED_ATTESTATION_ROOTS: settingFile('roots.pem', 'not a certificate') },
      'holds no PEM certificate',
    ],
    [
      {
        PASSKEY_TRUSTED_ATTESTATION_ROOTS: settingFile(
          'roots.pem',
          '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        ),
      },
      'certificate 1 of',
    ],
    [
      { PASSKEY_REQUIRE_HARDWARE: 'true' },
      'PASSKEY_REQUIRE_HARDWARE=true needs PASSKEY_ATTESTATION=direct or enterprise',
    ],
    [
      {
        PASSKEY_ATTESTATION: 'direct',
        PASSKEY_ALLOWED_AAGUIDS: 'cb69481e-8ff7-4039-93ec-0a2729a154a8',
      },
      'PASSKEY_ALLOWED_AAGUIDS needs a trust list',
    ],
    [{ PASSKEY_ALLOWED_AAGUIDS: 'yubikey' }, '"yubikey" is not an AAGUID'],
    [
      { PASSKEY_MDS_BLOB: settingFile('blob.jwt', 'x.y.z') },
      'PASSKEY_MDS_BLOB needs PASSKEY_MDS_ROOT',
    ],
    [{ PASSKEY_ATTESTATION: 'indirect' }, 'PASSKEY_ATTESTATION'],
  ])('refuses to start with %j: one line saying why', (env, line) => {
    expect(() => passkeys(env)).toThrow(line);
  });
});
