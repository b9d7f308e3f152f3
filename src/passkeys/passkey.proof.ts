import { type ProofDescriptor, WEBAUTHN_BROWSER_SCRIPT } from '../proofs/proof-descriptor';
import { AMR } from '../proofs/proof-vocabulary';

/** Passkeys (WebAuthn Level 3): a challenge per ceremony, signed inside the authenticator. */
export const PASSKEY_PROOF = {
  id: 'passkey',
  label: 'Passkeys (WebAuthn)',
  shortLabel: 'Passkeys',
  amr: AMR.passkey,
  // EAP 1.0 §5.1.1 `phr`: WebAuthn binds the assertion to the RP ID; §5.1.2 `phrh` when the key
  // was proven hardware-bound at registration (verified attestation, backup-eligible flag clear).
  acr: { achieves: 'phr', hardwareBound: 'phrh' },
  // The sign-in's figures stand for the model; a registration's challenge is a passkey's too.
  challengeKinds: ['webauthn_authentication', 'webauthn_registration'],
  // @simplewebauthn/browser (served by login/passkey/webauthn-browser.controller.ts), then the button.
  loginButton: {
    text: 'Sign in with a passkey',
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
        'a synced or unattested passkey standing in where a hardware-bound key is asked for (phrh): only a passkey whose attestation chained to the trust list, not backup eligible, achieves it',
      ],
      does_not_stop: [
        'a lost device with device-bound passkeys: the account needs another method (link one first)',
        'account recovery: whoever controls a synced passkey provider account controls the passkey',
        'a compromised browser or operating system that drives the authenticator',
        'theft of the tokens after they are issued (bearer tokens: keep them short-lived)',
      ],
    },
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
          'the id_token says amr pop (possession of a key), hwk for a hardware-bound passkey (acr phrh), and user when the authenticator verified the user',
        ],
        standards: ['WebAuthn Level 3', 'OpenID Connect Core 1.0', 'RFC 8176'],
      },
    ],
  },
} satisfies ProofDescriptor<'passkey'>;
