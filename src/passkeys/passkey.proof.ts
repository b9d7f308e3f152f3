import { type ProofDescriptor, WEBAUTHN_BROWSER_SCRIPT } from '../proofs/proof-descriptor';
import { AMR } from '../proofs/proof-vocabulary';

/** EAP 1.0 §5.1.2: what a passkey proven hardware-bound at registration achieves. */
const HARDWARE_BOUND_ACR = 'phrh';

/** The trust list an attestation may chain to, as the comparison tells it. */
function trustListText(roots: number, mdsBlob: string | undefined): string {
  const parts = [
    ...(roots > 0
      ? [`${roots} root certificate${roots === 1 ? '' : 's'} (PASSKEY_TRUSTED_ATTESTATION_ROOTS)`]
      : []),
    ...(mdsBlob === undefined ? [] : ['the FIDO metadata BLOB (PASSKEY_MDS_BLOB)']),
  ];
  return parts.length === 0
    ? 'empty: no attestation chains to it, so no passkey is hardware-bound'
    : parts.join(' and ');
}

/** Passkeys (WebAuthn Level 3): a challenge per ceremony, signed inside the authenticator. */
export const PASSKEY_PROOF = {
  id: 'passkey',
  label: 'Passkeys (WebAuthn)',
  shortLabel: 'Passkeys',
  amr: AMR.passkey,
  // EAP 1.0 §5.1.1 `phr`: WebAuthn binds the assertion to the RP ID; §5.1.2 `phrh` when the key
  // was proven hardware-bound at registration (verified attestation, backup-eligible flag clear).
  acr: { achieves: 'phr', hardwareBound: HARDWARE_BOUND_ACR },
  // The sign-in's figures stand for the model; a registration's challenge is a passkey's too.
  challengeKinds: ['webauthn_authentication', 'webauthn_registration'],
  // @simplewebauthn/browser (served by login/passkey/webauthn-browser.controller.ts), then the button.
  loginButton: {
    text: { id: 'login.button.passkey' },
    scripts: [WEBAUTHN_BROWSER_SCRIPT, '/static/passkey-login.js'],
    until: 'hidden',
  },
  comparison: {
    protocol: {
      name: 'Passkeys (WebAuthn Level 3) with discoverable credentials',
      standard: ['WebAuthn Level 3', 'CTAP 2.2', 'RFC 8152 (COSE)', 'RFC 8176'],
      client_generates:
        'at registration, a key pair inside the authenticator, scoped to the RP ID; the private key never leaves it',
      sent_up_front:
        'nothing: the challenge names no account (discoverable credentials); the authenticator picks the passkey',
      server_stores:
        'the SHA-256 of a 256-bit random challenge, of its ceremony kind (registration or authentication); per passkey, its COSE public key and signature counter',
      bound_to: ['ceremony', 'origin', 'rp_id'],
      client_proves_later:
        'an assertion: the authenticator signs authenticatorData (RP ID hash, flags, counter) and the hash of clientDataJSON (type, challenge, origin)',
      server_verifies:
        'clientDataJSON type, challenge (redeemed once, inside the library callback) and origin; the RP ID hash; the user-presence flag; the signature with the stored public key; the counter moved forward',
      cryptography:
        'P-256 ECDSA (ES256) or Ed25519 signatures over authenticatorData and clientDataJSON',
      endpoints: [
        'POST /passkeys/authentication/options',
        'POST /passkeys/authentication/verify',
        'POST /passkeys/registration/options',
        'POST /passkeys/registration/verify',
      ],
    },
    threats: {
      stops: [
        'phishing: the browser writes the real origin into clientDataJSON and the RP ID hash into authenticatorData, so a look-alike site gets an assertion this service refuses',
        'replay of an assertion: its challenge is consumed once',
        'a registration challenge used to sign in, or the reverse: each ceremony has its own kind',
        'a cloned authenticator, when it counts: a signature counter that goes backwards is refused and recorded',
        'credential stuffing and password reuse: there is no shared secret to steal',
        'a weaker sign-in standing in where phishing resistance is asked for (acr_values=phr, ACR_REQUIRED_BY_SCOPE or _BY_RESOURCE): only a passkey sign-in achieves phr, and a password or wallet session is sent to the passkey step first (RFC 9470)',
      ],
      does_not_stop: [
        'a lost device with device-bound passkeys: the account needs another method (link one first)',
        'account recovery: whoever controls a synced passkey provider account controls the passkey',
        'a compromised browser or operating system that drives the authenticator',
        'theft of the tokens after they are issued (bearer tokens: keep them short-lived)',
      ],
    },
    variants: [
      {
        id: 'passkey_hardware_bound',
        label: 'Hardware-bound passkeys (verified attestation)',
        achieves: { acr: HARDWARE_BOUND_ACR, amr: ['hwk'] },
        protocol: {
          name: 'Passkeys whose attestation chains to the trust list, not backup eligible (WebAuthn Level 3 §8)',
          standard: [
            'WebAuthn Level 3',
            'CTAP 2.2',
            'FIDO Metadata Service 3.0',
            'RFC 8176',
            'NIST SP 800-63B-4 (AAL3)',
          ],
          client_generates:
            'at registration, a key pair inside the authenticator, and an attestation statement (packed, tpm, android-key, apple, fido-u2f) signed by the attestation key its maker certified',
          server_stores:
            "as a passkey's, and with each passkey the attestation's verdict at registration: hardware-bound or not, its AAGUID and the authenticator's name from the FIDO metadata",
          server_verifies:
            "at registration, as a passkey's and also: the attestation statement, its certificate chain up to a root of the operator's trust list (PASSKEY_TRUSTED_ATTESTATION_ROOTS, PASSKEY_MDS_BLOB; offline), the model not reported compromised, the backup-eligible flag clear; at sign-in, a passkey's checks on a passkey stored hardware-bound: acr phrh, amr hwk",
        },
        threats: {
          stops: [
            'a key exported through a sync provider account: a synced (backup-eligible) passkey never achieves phrh, so an attacker who takes over the provider account and syncs the key to a device of theirs cannot meet a phrh requirement',
            'a synced, self-attested or unattested passkey standing in where a hardware-bound key is asked for (acr_values=phrh, an essential acr claim, ACR_REQUIRED_BY_SCOPE or _BY_RESOURCE): the step-up offers only hardware-bound passkeys, and prompt=none answers unmet_authentication_requirements',
            'an authenticator model the organisation does not hand out, or one whose FIDO metadata reports it compromised (PASSKEY_ALLOWED_AAGUIDS, PASSKEY_MDS_BLOB): refused at registration with 400 untrusted_attestation',
            'with PASSKEY_REQUIRE_HARDWARE, any other passkey registering at all: 400 untrusted_attestation, naming why',
          ],
          does_not_stop: [
            'a flawed authenticator model whose maker certified it: attestation proves the maker vouched for the model, not that this device is sound',
            'a key extracted from hardware later (a side channel, a firmware bug): the verdict is taken once, at registration',
            'an authenticator that misstates its backup-eligible flag: the flag is its own word, trusted only as far as its attested model is',
            'who holds the device: whoever holds it and passes its user verification (a PIN, a fingerprint) signs in',
          ],
        },
        usedBy: [
          {
            clients:
              'OpenID Connect relying parties and resource servers that need a hardware-bound key',
            through: [
              'acr_values=phrh or an essential acr claim of phrh at /authorize; ACR_REQUIRED_BY_SCOPE or _BY_RESOURCE naming phrh',
              'the id_token and the access token say acr phrh and amr hwk (and user when the authenticator verified the user); a phrh sign-in meets a phr requirement, never the reverse',
            ],
            standards: ['OpenID Connect Core 1.0', 'RFC 9470', 'RFC 8176'],
          },
          {
            clients: 'the account owner',
            through: [
              'GET /account/methods marks each passkey hardware_bound true or false, with its authenticator name',
            ],
            standards: ['WebAuthn Level 3'],
          },
        ],
        settings: ({ passkeys }) => ({
          attestation: `PASSKEY_ATTESTATION=${passkeys.attestation}${passkeys.attestation === 'none' ? ': registrations ask for no attestation, so no new passkey is hardware-bound' : ': registrations ask for the attestation'}`,
          trust_list: trustListText(passkeys.trustedAttestationRoots.length, passkeys.mdsBlob),
          registration: passkeys.requireHardware
            ? 'PASSKEY_REQUIRE_HARDWARE=true: only hardware-bound passkeys register'
            : 'PASSKEY_REQUIRE_HARDWARE=false: any verified passkey registers; only the hardware-bound achieve phrh',
          models:
            passkeys.allowedAaguids.length === 0
              ? 'any authenticator model (PASSKEY_ALLOWED_AAGUIDS unset)'
              : `${passkeys.allowedAaguids.length} authenticator model${passkeys.allowedAaguids.length === 1 ? '' : 's'} (PASSKEY_ALLOWED_AAGUIDS), proven by a trusted attestation`,
        }),
      },
    ],
    chartColour: '#be185d',
    storageKey: 'SHA-256 of the WebAuthn challenge',
    lifetimeSeconds: ({ challenges }) => challenges.webauthnChallengeTtlSeconds,
    policy: ({ passkeys }) => ({ recent_login_seconds: passkeys.recentLoginSeconds }),
    usedBy: [
      {
        clients: 'single-page and first-party apps, directly',
        through: [
          'POST /passkeys/authentication/options, then POST /passkeys/authentication/verify with the assertion: the token response',
          ({ passkeys }) =>
            `relying party ${passkeys.rpId}, origins ${passkeys.origins.join(', ')}`,
          'a passkey is added with an account-scoped token of a recent login (POST /passkeys/registration/*)',
          { corsOn: ['/passkeys/authentication/'] },
        ],
        standards: ['WebAuthn Level 3', 'RFC 9470'],
      },
      {
        clients: 'OpenID Connect relying parties',
        through: [
          '"Sign in with a passkey" on the login page of an authorization code + PKCE flow',
          'the id_token says acr phr and amr pop (possession of a key), and user when the authenticator verified the user',
        ],
        standards: ['WebAuthn Level 3', 'OpenID Connect Core 1.0', 'RFC 8176'],
      },
    ],
  },
} satisfies ProofDescriptor<'passkey'>;
