import { decodeAttestationObject, parseAuthenticatorData } from '@simplewebauthn/server/helpers';
import {
  metadataBlob,
  packedAttestation,
  pemOf,
  rootCa,
  type TestCertificate,
} from '../../../test/support/attestation-ca';
import type { PasskeyConfig } from '../../config/sections/passkeys.config';
import { SoftwareAuthenticator } from '../../lab-client/software-authenticator';
import { SystemClock } from '../../platform/clock/clock';
import { attestationRefusal } from './attestation-policy';
import { AttestationTrust, type VerifiedStatement } from './attestation-trust';

const MODEL = '2fc0579f-8113-47ea-b116-bb5a8db9202a';
const OTHER_MODEL = 'ee882879-721c-4913-9775-3dfcce97072a';

function trustWith(settings: Partial<PasskeyConfig>): AttestationTrust {
  return new AttestationTrust(
    { trustedAttestationRoots: [], mdsRoots: [], ...settings } as PasskeyConfig,
    new SystemClock(),
  );
}

/** What the library hands over once it verified a registration of `authenticator`. */
function statementOf(authenticator: SoftwareAuthenticator): VerifiedStatement {
  const registration = authenticator.register({ challenge: 'Y2hhbGxlbmdl', user: { id: 'dQ' } });
  const attestationObject = Buffer.from(registration.response.attestationObject, 'base64url');
  const decoded = decodeAttestationObject(new Uint8Array(attestationObject));
  const authData = parseAuthenticatorData(decoded.get('authData'));
  const hex = Buffer.from(authData.aaguid ?? new Uint8Array(16)).toString('hex');
  return {
    fmt: decoded.get('fmt'),
    aaguid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    attestationObject,
    credentialDeviceType: authData.flags.be ? 'multiDevice' : 'singleDevice',
  };
}

const device = (
  attestation: ConstructorParameters<typeof SoftwareAuthenticator>[0]['attestation'],
  synced = false,
) =>
  new SoftwareAuthenticator({ rpId: 'localhost', origin: 'http://localhost', attestation, synced });

describe('AttestationTrust: what a verified attestation statement proves, from the trust list on disk', () => {
  let root: TestCertificate;
  let stranger: TestCertificate;
  beforeAll(async () => {
    [root, stranger] = await Promise.all([
      rootCa('Test Attestation Root'),
      rootCa('Unlisted Root'),
    ]);
  });

  it('a chain to a listed root, backup-eligible flag clear: trusted and hardware-bound', async () => {
    const trust = trustWith({ trustedAttestationRoots: [pemOf(root)] });
    const assessed = await trust.assess(statementOf(device(await packedAttestation(root, MODEL))));
    expect(assessed).toEqual({ trust: 'trusted', aaguid: MODEL, hardwareBound: true });
  });

  it('a trusted chain of a backup-eligible (synced) credential is not hardware-bound', async () => {
    const trust = trustWith({ trustedAttestationRoots: [pemOf(root)] });
    const synced = device(await packedAttestation(root, MODEL), true);
    expect(await trust.assess(statementOf(synced))).toMatchObject({
      trust: 'trusted',
      hardwareBound: false,
    });
  });

  it('a chain to an unlisted root, a self-attestation and no attestation prove nothing of the hardware', async () => {
    const trust = trustWith({ trustedAttestationRoots: [pemOf(root)] });
    const unlisted = device(await packedAttestation(stranger, MODEL));
    expect(await trust.assess(statementOf(unlisted))).toMatchObject({
      trust: 'untrusted',
      hardwareBound: false,
    });
    expect(await trust.assess(statementOf(device('self')))).toMatchObject({
      trust: 'self',
      hardwareBound: false,
    });
    expect(await trust.assess(statementOf(device('none')))).toMatchObject({
      trust: 'none',
      hardwareBound: false,
    });
    // Nothing trusted at all: no chain is trusted.
    const empty = trustWith({});
    expect(
      (await empty.assess(statementOf(device(await packedAttestation(root, MODEL))))).trust,
    ).toBe('untrusted');
  });

  describe('a FIDO MDS3 BLOB, verified offline against PASSKEY_MDS_ROOT', () => {
    let fidoRoot: TestCertificate;
    beforeAll(async () => {
      fidoRoot = await rootCa('Test FIDO Metadata Root');
    });

    it("adds a model's own roots to the trust list and names it", async () => {
      const blob = await metadataBlob(fidoRoot, [
        { aaguid: MODEL, description: 'Test Key 5', roots: [stranger] },
      ]);
      const trust = trustWith({ mdsBlob: blob, mdsRoots: [pemOf(fidoRoot)] });
      await trust.onModuleInit();
      const listed = device(await packedAttestation(stranger, MODEL));
      expect(await trust.assess(statementOf(listed))).toEqual({
        trust: 'trusted',
        aaguid: MODEL,
        hardwareBound: true,
        name: 'Test Key 5',
      });
      // A model's roots vouch for that model only.
      const other = device(await packedAttestation(stranger, OTHER_MODEL));
      expect((await trust.assess(statementOf(other))).trust).toBe('untrusted');
    });

    it('reports a model whose latest status says it is compromised, and not one that recovered', async () => {
      const blob = await metadataBlob(fidoRoot, [
        {
          aaguid: MODEL,
          description: 'Leaky Key',
          roots: [root],
          statuses: ['FIDO_CERTIFIED', 'ATTESTATION_KEY_COMPROMISE'],
        },
        {
          aaguid: OTHER_MODEL,
          description: 'Fixed Key',
          roots: [root],
          statuses: ['USER_VERIFICATION_BYPASS', 'UPDATE_AVAILABLE'],
        },
      ]);
      const trust = trustWith({ mdsBlob: blob, mdsRoots: [pemOf(fidoRoot)] });
      await trust.onModuleInit();
      const leaky = await trust.assess(statementOf(device(await packedAttestation(root, MODEL))));
      expect(leaky.compromised).toBe('ATTESTATION_KEY_COMPROMISE');
      const fixed = await trust.assess(
        statementOf(device(await packedAttestation(root, OTHER_MODEL))),
      );
      expect(fixed.compromised).toBeUndefined();
    });

    it('stops the start for a BLOB that names a member twice, naming it: another reader may take the first', async () => {
      const entries = [{ aaguid: MODEL, description: 'Leaky Key', statuses: ['FIDO_CERTIFIED'] }];
      // Compromised first: JSON.parse alone would read the certified status after it.
      const compromised = '[{"status":"ATTESTATION_KEY_COMPROMISE","effectiveDate":"2025-01-02"}]';
      const blob = await metadataBlob(fidoRoot, entries, (json) =>
        json.replace('"statusReports":', `"statusReports":${compromised},"statusReports":`),
      );
      await expect(
        trustWith({ mdsBlob: blob, mdsRoots: [pemOf(fidoRoot)] }).onModuleInit(),
      ).rejects.toThrow('PASSKEY_MDS_BLOB: its payload names member "statusReports" twice');
      const once = await metadataBlob(fidoRoot, entries);
      await expect(
        trustWith({ mdsBlob: once, mdsRoots: [pemOf(fidoRoot)] }).onModuleInit(),
      ).resolves.toBeUndefined();
    });

    it('stops the start for a BLOB its root does not vouch for, or one altered after signing', async () => {
      const blob = await metadataBlob(stranger, [{ aaguid: MODEL, description: 'Forged' }]);
      await expect(
        trustWith({ mdsBlob: blob, mdsRoots: [pemOf(fidoRoot)] }).onModuleInit(),
      ).rejects.toThrow('PASSKEY_MDS_BLOB: its signing chain does not end at PASSKEY_MDS_ROOT');
      const genuine = await metadataBlob(fidoRoot, [{ aaguid: MODEL, description: 'Key' }]);
      const [header, , signature] = genuine.split('.');
      const altered = `${header}.${Buffer.from('{"entries":[]}').toString('base64url')}.${signature}`;
      await expect(
        trustWith({ mdsBlob: altered, mdsRoots: [pemOf(fidoRoot)] }).onModuleInit(),
      ).rejects.toThrow('PASSKEY_MDS_BLOB: its signature does not verify');
    });
  });
});

describe('attestationRefusal: the operator’s policy over what the attestation proves', () => {
  const assessed = (trust: 'none' | 'self' | 'untrusted' | 'trusted', hardwareBound = false) => ({
    trust,
    aaguid: MODEL,
    hardwareBound,
  });
  const open = { allowedAaguids: [], requireHardware: false };

  it('accepts any verified passkey by default, hardware-bound or not', () => {
    for (const trust of ['none', 'self', 'untrusted', 'trusted'] as const) {
      expect(attestationRefusal(assessed(trust), open)).toBeUndefined();
    }
  });

  it('PASSKEY_REQUIRE_HARDWARE: refuses every passkey that is not hardware-bound, naming why', () => {
    const policy = { ...open, requireHardware: true };
    expect(attestationRefusal(assessed('trusted', true), policy)).toBeUndefined();
    const reasons = {
      none: 'gave no attestation',
      self: 'self-attestation',
      untrusted: 'does not chain to a root this service trusts',
      trusted: 'backup eligible',
    } as const;
    for (const [trust, why] of Object.entries(reasons)) {
      const refusal = attestationRefusal(assessed(trust as keyof typeof reasons), policy);
      expect(refusal?.error).toBe('untrusted_attestation');
      expect(refusal?.status).toBe(400);
      expect(refusal?.description).toContain(why);
    }
  });

  it('PASSKEY_ALLOWED_AAGUIDS: a listed model only, and only when a trusted attestation proves it', () => {
    const policy = { ...open, allowedAaguids: [MODEL] };
    expect(attestationRefusal(assessed('trusted'), policy)).toBeUndefined();
    expect(attestationRefusal(assessed('untrusted'), policy)?.reason).toBe('aaguid_unproven');
    const other = { ...assessed('trusted'), aaguid: OTHER_MODEL };
    expect(attestationRefusal(other, policy)?.description).toContain(
      `AAGUID ${OTHER_MODEL} is not one of them`,
    );
  });

  it('a model the FIDO metadata reports compromised never registers', () => {
    const refusal = attestationRefusal(
      { ...assessed('trusted', true), compromised: 'REVOKED' },
      open,
    );
    expect(refusal?.error).toBe('untrusted_attestation');
    expect(refusal?.description).toContain('REVOKED');
  });
});
