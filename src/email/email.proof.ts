import { ANY_SIGN_IN, type ProofDescriptor } from '../proofs/proof-descriptor';
import { AMR } from '../proofs/proof-vocabulary';

/** How long an email code (and its link) can be redeemed: the mail says so. */
export const EMAIL_CODE_TTL_SECONDS = 600;
/** Wrong codes a challenge takes; the next attempt, right or wrong, finds it spent. */
export const EMAIL_CODE_MAX_ATTEMPTS = 5;

/**
 * A code sent by email: possession of an inbox, proven by reading a one-time code (8 digits) or
 * opening a link with a separate one-time token, in the browser that asked for it.
 */
export const EMAIL_PROOF = {
  id: 'email',
  label: 'Email codes',
  shortLabel: 'Email',
  amr: AMR.email,
  acr: ANY_SIGN_IN,
  challengeKinds: ['email_code'],
  comparison: {
    protocol: {
      name: 'One-time code and link sent by email',
      standard: ['RFC 8176 (amr otp)', 'RFC 5321 (SMTP)', 'NIST SP 800-63B §5.1.3 (out-of-band)'],
      client_generates: 'nothing: the server makes the code and the link’s token',
      sent_up_front:
        'POST /login/email/start { email } from the login page (its CSRF token and pre-login session cookie): the same answer, { sent: true }, whether or not an account has the address',
      server_stores:
        'one challenge per browser: the HMAC of an 8-digit code and the SHA-256 of a 256-bit link token as its binding, the address sealed (AES-256-GCM) and keyed-hashed, an attempt counter; the mail sealed in the outbox until it is sent',
      bound_to: ['browser (pre-login session)', 'email address', 'code or link token'],
      client_proves_later:
        'the code at POST /login/email/verify, or the link opened and confirmed, from the browser that asked',
      server_verifies:
        'one atomic redemption of this browser’s live challenge whose code (or link token) matches, under 5 wrong attempts and within 10 minutes; a new address creates an account',
      cryptography:
        'none the user sees: random codes; HMAC-SHA256 and AES-256-GCM keys derived from KEY_ENCRYPTION_SECRET at rest',
      endpoints: [
        'POST /login/email/start',
        'POST /login/email/verify',
        'GET/POST /login/email/link',
      ],
    },
    threats: {
      stops: [
        'guessing the code: 5 wrong codes spend the challenge (one in 20 million odds per challenge), at most 5 codes per address per 15 minutes, and limits per browser and IP',
        'a code or link used in another browser: refused with the very answer a wrong code gets, and never counted against the browser it was sent for (a guess that matched somebody’s code tells nothing and costs them nothing)',
        'replay: the challenge is redeemed once, the code and the link together',
        'address enumeration: POST /login/email/start answers the same and does the same work whether or not an account exists',
        'mail bombing an inbox: 5 codes per address and 10 per mailbox (victim+1@, victim+2@ and victim@ together) per 15 minutes, charged before the mail is queued',
        'an address posing as another: an internationalised domain and its punycode are one address (UTS #46); control and format characters (U+202E) and local parts that are not ASCII are refused',
      ],
      does_not_stop: [
        'real-time phishing: a look-alike page that asks for the code and relays it gets a session (a phished code yields the account, once, within its 10 minutes); never phr, and never enough alone to change the methods of an account that has a passkey, wallet or password',
        'whoever controls the inbox or the mail provider: they read the codes',
        'a mail scanner that follows links: opening the link only shows a confirmation, which must be posted from the browser that asked',
        'theft of the tokens after they are issued (bearer tokens: keep them short-lived)',
      ],
    },
    chartColour: '#0e7490',
    storageKey: 'SHA-256 of the browser’s pre-login session id (the code’s HMAC is bound)',
    lifetimeSeconds: () => EMAIL_CODE_TTL_SECONDS,
    usedBy: [
      {
        clients: 'OpenID Connect relying parties',
        through: [
          '"Email me a sign-in code" on the login page of an authorization code + PKCE flow',
          'the id_token says amr otp; scope email adds the verified email and email_verified',
          'a new address creates an account (ACCOUNT_CREATIONS_PER_IP_PER_HOUR)',
        ],
        standards: ['OpenID Connect Core 1.0 §5.4', 'RFC 8176'],
      },
      {
        clients: 'first-party apps, on the account',
        through: [
          'an address is added to a signed-in account with a recent login and a code sent to it (POST /account/methods/email/code, POST /account/methods/email)',
        ],
        standards: ['RFC 9470'],
      },
    ],
  },
} satisfies ProofDescriptor<'email'>;
