import { isIP } from 'node:net';
import { ConfigError, Env, int as readInt, str, webOrigins, webauthnRpId } from '../env-parsers';
import { EnvReader } from '../env-reader';
import { pemCertificatesFile, readSettingFile } from '../pem-file';
import type { ServerConfig } from './server.config';
import { BOOLEAN, choice, setting, settingsSection, text, whole } from '../setting';

/** What registration options ask of the authenticator's attestation (WebAuthn L3 §5.4.7). */
export const ATTESTATION_CONVEYANCE = ['none', 'direct', 'enterprise'] as const;
export type AttestationConveyance = (typeof ATTESTATION_CONVEYANCE)[number];

/** An AAGUID as WebAuthn libraries and the FIDO MDS write it: a lower-case UUID. */
const AAGUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Passkeys (WebAuthn Level 3): the relying party this service is, and the account rules. */
export abstract class PasskeyConfig {
  /**
   * The RP ID credentials are scoped to: WEBAUTHN_RP_ID, else ISSUER's host (an ISSUER on an IP
   * address needs WEBAUTHN_RP_ID: browsers refuse an IP as an RP ID, so the service refuses to
   * start without one).
   */
  abstract readonly rpId: string;
  /** The origins a ceremony may come from (clientDataJSON `origin`). */
  abstract readonly origins: readonly string[];
  /**
   * How old the login behind an account change (a passkey registered, a method linked) may be:
   * older, and the bearer is told to sign in again (RFC 9470 `max_age`). Also how long before a
   * sign-in another method's sign-in in the same browser counts in its `amr` (with `mfa`).
   */
  abstract readonly recentLoginSeconds: number;
  /** PASSKEY_ATTESTATION: the attestation registration options ask for. */
  abstract readonly attestation: AttestationConveyance;
  /** PASSKEY_TRUSTED_ATTESTATION_ROOTS: root certificates (PEM) an attestation may chain to. */
  abstract readonly trustedAttestationRoots: readonly string[];
  /** PASSKEY_MDS_BLOB: a FIDO MDS3 BLOB (a JWS), verified at start against `mdsRoots`. */
  abstract readonly mdsBlob?: string;
  /** PASSKEY_MDS_ROOT: the root certificates (PEM) the MDS BLOB's signing chain must end at. */
  abstract readonly mdsRoots: readonly string[];
  /** PASSKEY_REQUIRE_HARDWARE: only hardware-bound passkeys register. */
  abstract readonly requireHardware: boolean;
  /** PASSKEY_ALLOWED_AAGUIDS: the authenticator models that may register (none: any). */
  abstract readonly allowedAaguids: readonly string[];
}

const pemCertificates = (env: Env, name: string): string[] | undefined => {
  const path = str(env, name);
  return path === undefined ? undefined : pemCertificatesFile(name, path);
};

const aaguids = (env: Env, name: string): string[] | undefined => {
  const value = str(env, name);
  if (value === undefined) return undefined;
  const listed = value.split(',').map((item) => item.trim().toLowerCase());
  const bad = listed.filter((item) => !AAGUID.test(item));
  if (bad.length > 0) {
    throw new ConfigError(
      `${name}: ${bad.map((item) => `"${item}"`).join(', ')} is not an AAGUID (a UUID such as cb69481e-8ff7-4039-93ec-0a2729a154a8)`,
    );
  }
  return [...new Set(listed)];
};

/** The settings this section reads, each declared once for its reader and the reference. */
export const PASSKEY_SETTINGS = settingsSection(
  'Passkeys',
  'The WebAuthn relying party, and how recent a login an account change needs (see [Passkeys ' +
    'and accounts](PASSKEYS-AND-ACCOUNTS.md)).',
  {
    webauthnRpId: setting({
      name: 'WEBAUTHN_RP_ID',
      type: text('a domain'),
      default: { unset: 'the host of `ISSUER`' },
      description:
        "The passkeys' relying party ID: a domain (no scheme, no port) every `WEBAUTHN_ORIGINS` " +
        'host equals or ends in; an IP address is refused (browsers refuse it). Required when ' +
        "`ISSUER`'s host is an IP address (e.g. `http://127.0.0.1:25000`: set `localhost`, with " +
        '`WEBAUTHN_ORIGINS=http://localhost:25000`): the service refuses to start without it.',
    }),
    webauthnOrigins: setting({
      name: 'WEBAUTHN_ORIGINS',
      type: text('comma-separated origins'),
      default: { unset: 'the origin of `ISSUER`' },
      description:
        'The origins a passkey ceremony may come from (clientDataJSON `origin`); `https:` only, ' +
        'except `http://localhost`.',
    }),
    accountRecentLoginSeconds: setting({
      name: 'ACCOUNT_RECENT_LOGIN_SECONDS',
      type: whole(5, 86_400),
      default: 600,
      description:
        'How old the login behind a change of the account (a passkey added, a method linked) may ' +
        'be; older: `401 insufficient_user_authentication` with `max_age` (RFC 9470). Also how ' +
        'close two sign-ins of one browser with different methods must be for `amr` to name ' +
        'both, and `mfa`.',
    }),
    passkeyAttestation: setting({
      name: 'PASSKEY_ATTESTATION',
      type: choice(ATTESTATION_CONVEYANCE),
      default: 'none',
      description:
        'The attestation a passkey registration asks for (WebAuthn `attestation`): `direct` or ' +
        '`enterprise` (honoured by browsers only for RP IDs their policy lists) to learn what ' +
        'kind of authenticator holds the key. A statement given is verified (packed, tpm, ' +
        'android-key, apple, fido-u2f) offline: one that fails is `400 invalid_attestation`. See ' +
        '[Hardware-bound passkeys](PASSKEYS-AND-ACCOUNTS.md#hardware-bound-passkeys-phrh).',
    }),
    passkeyTrustedAttestationRoots: setting({
      name: 'PASSKEY_TRUSTED_ATTESTATION_ROOTS',
      type: text('a path to a PEM file', pemCertificates),
      default: { unset: 'none' },
      description:
        'The trust list: a PEM file of one or more root certificates an attestation may chain to ' +
        '(read and checked at start). A passkey whose attestation chains to one, and whose ' +
        'backup-eligible flag is clear, is hardware-bound: its sign-ins achieve `acr` `phrh` and ' +
        'say `amr` `hwk`.',
    }),
    passkeyMdsBlob: setting({
      name: 'PASSKEY_MDS_BLOB',
      type: text('a path to a FIDO MDS3 BLOB file', (env, name) => {
        const path = str(env, name);
        return path === undefined ? undefined : readSettingFile(name, path).trim();
      }),
      default: { unset: 'none' },
      description:
        'A FIDO Metadata Service BLOB the operator downloaded (https://mds3.fidoalliance.org/), ' +
        "verified at start against `PASSKEY_MDS_ROOT`, offline: its entries add their models' " +
        'attestation roots to the trust list and name the authenticators; a model whose latest ' +
        'status report says it is compromised or revoked does not register.',
    }),
    passkeyMdsRoot: setting({
      name: 'PASSKEY_MDS_ROOT',
      type: text('a path to a PEM file', pemCertificates),
      default: { unset: 'none' },
      description:
        "The root (PEM) the MDS BLOB's signing chain must end at: the FIDO Alliance's (GlobalSign " +
        'Root CA - R3), downloaded by the operator. Kept apart from the attestation roots, so that ' +
        'a certificate authority trusted to sign the BLOB is never trusted to vouch for an ' +
        'authenticator. Required with `PASSKEY_MDS_BLOB`.',
    }),
    passkeyRequireHardware: setting({
      name: 'PASSKEY_REQUIRE_HARDWARE',
      type: BOOLEAN,
      default: false,
      description:
        'Only hardware-bound passkeys register: any other is `400 untrusted_attestation`, its ' +
        'description naming why (no attestation, a chain outside the trust list, a synced key). ' +
        'Needs `PASSKEY_ATTESTATION` `direct` or `enterprise` and a trust list.',
    }),
    passkeyAllowedAaguids: setting({
      name: 'PASSKEY_ALLOWED_AAGUIDS',
      type: text('comma-separated AAGUIDs', aaguids),
      default: { unset: 'any authenticator' },
      description:
        'The authenticator models (AAGUIDs) that may register, for an organisation that hands ' +
        'out one model; an AAGUID counts only under an attestation that chains to the trust ' +
        "list (otherwise it is the authenticator's own word): `400 untrusted_attestation`. " +
        'Needs `PASSKEY_ATTESTATION` `direct` or `enterprise` and a trust list.',
    }),
  },
);

export function readPasskeyConfig(
  env: EnvReader,
  server: Pick<ServerConfig, 'issuer'>,
): PasskeyConfig {
  const relyingParty = env.read((e) => passkeySettings(e, server.issuer), {
    rpId: new URL(server.issuer).hostname,
    origins: [new URL(server.issuer).origin],
    recentLoginSeconds: 600,
  });
  return Object.freeze({ ...relyingParty, ...attestationSettings(env) });
}

type RelyingPartySettings = Pick<PasskeyConfig, 'rpId' | 'origins' | 'recentLoginSeconds'>;
type AttestationSettings = Omit<PasskeyConfig, keyof RelyingPartySettings>;

/**
 * PASSKEY_ATTESTATION and the trust list, checked together: hardware cannot be required, nor
 * models listed, where no attestation is asked for or nothing is trusted (every registration
 * would be refused); a BLOB needs the root its signature chains to.
 */
function attestationSettings(env: EnvReader): AttestationSettings {
  const declared = PASSKEY_SETTINGS.declared;
  const attestation = env.get(declared.passkeyAttestation);
  const trustedAttestationRoots = env.get(declared.passkeyTrustedAttestationRoots, []);
  const mdsBlob = env.get(declared.passkeyMdsBlob, undefined);
  const mdsRoots = env.get(declared.passkeyMdsRoot, []);
  const requireHardware = env.get(declared.passkeyRequireHardware);
  const allowedAaguids = env.get(declared.passkeyAllowedAaguids, []);
  if (mdsBlob !== undefined && mdsRoots.length === 0 && !env.isSet(declared.passkeyMdsRoot)) {
    env.problem('PASSKEY_MDS_BLOB needs PASSKEY_MDS_ROOT: the root its signing chain must end at');
  }
  const trusts = trustedAttestationRoots.length > 0 || mdsBlob !== undefined;
  for (const [needs, name] of [
    [requireHardware, 'PASSKEY_REQUIRE_HARDWARE=true'],
    [allowedAaguids.length > 0, 'PASSKEY_ALLOWED_AAGUIDS'],
  ] as const) {
    if (!needs) continue;
    if (attestation === 'none') {
      env.problem(
        `${name} needs PASSKEY_ATTESTATION=direct or enterprise: with none, no passkey could prove what holds it`,
      );
    } else if (!trusts && !env.isSet(declared.passkeyTrustedAttestationRoots)) {
      env.problem(
        `${name} needs a trust list: PASSKEY_TRUSTED_ATTESTATION_ROOTS or PASSKEY_MDS_BLOB`,
      );
    }
  }
  return {
    attestation,
    trustedAttestationRoots,
    ...(mdsBlob === undefined ? {} : { mdsBlob }),
    mdsRoots,
    requireHardware,
    allowedAaguids,
  };
}

/**
 * WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS and ACCOUNT_RECENT_LOGIN_SECONDS, checked together: WebAuthn
 * Level 3 §5.1.2 lets a ceremony use an RP ID only when it is the origin's host or a registrable
 * suffix of it, so every origin must lie under the RP ID; and an IP address is never a valid RP
 * ID (browsers refuse it), so an ISSUER on one needs WEBAUTHN_RP_ID.
 */
function passkeySettings(env: Env, issuer: string): RelyingPartySettings {
  const problems: string[] = [];
  const collect = <T>(parse: () => T, fallback: T): T => {
    try {
      return parse();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return fallback;
    }
  };
  const issuerUrl = new URL(issuer);
  const issuerHost = issuerUrl.hostname;
  const configured = collect(() => webauthnRpId(env, 'WEBAUTHN_RP_ID'), undefined);
  const issuerHostIsIp = isIP(issuerHost.replace(/^\[|\]$/g, '')) !== 0;
  // (A WEBAUTHN_RP_ID that is set but invalid has been said already.)
  if (configured === undefined && issuerHostIsIp && problems.length === 0) {
    problems.push(ipIssuerRefusal(issuerUrl));
  }
  const rpId = configured ?? issuerHost;
  const origins = collect(() => webOrigins(env, 'WEBAUTHN_ORIGINS'), undefined) ?? [
    issuerUrl.origin,
  ];
  if (configured !== undefined || !issuerHostIsIp) {
    for (const origin of origins) {
      const host = new URL(origin).hostname;
      if (host !== rpId && !host.endsWith(`.${rpId}`)) {
        problems.push(
          `WEBAUTHN_ORIGINS: ${origin} is not on the RP ID ${rpId} (its host must be ${rpId} or end in .${rpId}); set WEBAUTHN_RP_ID or WEBAUTHN_ORIGINS`,
        );
      }
    }
  }
  // A short window only makes the rule stricter; the attack lab waits one out (5 s in its runs).
  const recentLoginSeconds = collect(
    () => readInt(env, 'ACCOUNT_RECENT_LOGIN_SECONDS', 600, { min: 5, max: 86_400 }),
    600,
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return { rpId, origins, recentLoginSeconds };
}

/** What to set when ISSUER's host is an IP address (e.g. a loopback port): said in one line. */
function ipIssuerRefusal(issuer: URL): string {
  const port = issuer.port === '' ? '' : `:${issuer.port}`;
  return `ISSUER's host ${issuer.hostname} is an IP address, which browsers refuse as a WebAuthn RP ID: set WEBAUTHN_RP_ID to the domain the pages are served from (e.g. localhost), and WEBAUTHN_ORIGINS to their origins when their host is not that domain (e.g. ${issuer.protocol}//localhost${port})`;
}
