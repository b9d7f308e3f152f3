import { EnvReader } from '../env-reader';
import { setting, settingsSection, choice, whole } from '../setting';

export const RATE_LIMIT_STORES = ['mongo', 'memory'] as const;
export type RateLimitStoreKind = (typeof RATE_LIMIT_STORES)[number];

export abstract class RateLimitConfig {
  /** `mongo`: counted fleet-wide in MongoDB; `memory`: per instance (a single instance only). */
  abstract readonly store: RateLimitStoreKind;
  /**
   * The most counts an instance takes from a shared (`mongo`) counter in one write, to give to
   * its next requests without a write each; 1: every request is its own write.
   */
  abstract readonly lease: number;
  /** Requests per minute. */
  abstract readonly tokenPerIp: number;
  abstract readonly tokenPerClient: number;
  abstract readonly authorizePerIp: number;
  abstract readonly loginPerIp: number;
  abstract readonly walletPerIp: number;
  abstract readonly walletPerAddress: number;
  /** Contract-wallet signature checks (one RPC call each) per minute per IP. */
  abstract readonly walletRpcPerIp: number;
  /** Metadata and JWKS requests per minute per IP (served unlimited while the store is down). */
  abstract readonly metadataPerIp: number;
  /** Dynamic client registrations (POST /register) per minute per IP. */
  abstract readonly registerPerIp: number;
  /** Admin API calls (/admin/v1) per minute per IP, refused ones included. */
  abstract readonly adminApiPerIp: number;
  /** Admin API calls per minute per admin client (its token checked). */
  abstract readonly adminApiPerClient: number;
  /** Shared Signals stream management and poll calls (/ssf) per minute per IP, refused ones included. */
  abstract readonly ssfPerIp: number;
  /** Shared Signals calls per minute per receiver client (its token checked). */
  abstract readonly ssfPerReceiver: number;
  /** Passkey ceremonies (options and verify, anonymous or not) per minute per IP. */
  abstract readonly passkeyPerIp: number;
  /** Sign-ins at an upstream identity provider (start and callback) per minute per IP. */
  abstract readonly upstreamPerIp: number;
  /** Identity wallet requests, request objects and answers per minute per IP. */
  abstract readonly oid4vpPerIp: number;
  /** Accounts created (an account record first written) per hour per IP. */
  abstract readonly accountCreationsPerIpPerHour: number;
  /** Device user codes submitted at /device per 10 minutes per signed-in account. */
  abstract readonly deviceUserCodesPerAccount: number;
  /** Device user codes submitted per 10 minutes per network (an IPv4 /24, an IPv6 /64). */
  abstract readonly deviceUserCodesPerNetwork: number;
  /** Email codes sent per 15 minutes to one address (its sign-in and link codes together). */
  abstract readonly emailCodesPerAddress: number;
  /** Email codes sent per 15 minutes to one mailbox: its addresses with and without a subaddress. */
  abstract readonly emailCodesPerMailbox: number;
  /** Email codes asked for per 15 minutes by one browser (its login page's pre-login session). */
  abstract readonly emailCodesPerBrowser: number;
  /** Email codes asked for per 15 minutes from one IP. */
  abstract readonly emailCodesPerIp: number;
  /** Email codes and links presented per minute from one IP. */
  abstract readonly emailVerifyPerIp: number;
  /** New CIBA requests announced (mail, CIBA_NOTIFY_URL) per hour per account asked. */
  abstract readonly cibaAnnouncementsPerAccount: number;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const RATE_LIMIT_SETTINGS = settingsSection(
  'Rate limits',
  'Requests per minute unless said otherwise (see [Rate limits](SECURITY.md#rate-limits)).',
  {
    store: setting({
      name: 'RATE_LIMIT_STORE',
      type: choice(RATE_LIMIT_STORES),
      default: 'mongo',
      description:
        'Where the `RATE_LIMIT_*` counters live: `mongo` (counted fleet-wide, shared by every ' +
        'instance) or `memory` (per instance; a single instance only).',
    }),
    lease: setting({
      name: 'RATE_LIMIT_LEASE',
      type: whole(1),
      default: 16,
      description:
        'With `mongo`: the most counts an instance takes from a counter in one write, for its next ' +
        'requests in the same window (at most a twentieth of the limit). Never lets more than the ' +
        'limit through; another instance may be refused up to that many counts early. ' +
        '1: one write per request.',
    }),
    tokenPerIp: setting({
      name: 'RATE_LIMIT_TOKEN_PER_IP',
      type: whole(1),
      default: 300,
      description: 'Requests to `/token`, `/par`, `/revoke`, `/introspect` per IP.',
    }),
    tokenPerClient: setting({
      name: 'RATE_LIMIT_TOKEN_PER_CLIENT',
      type: whole(1),
      default: 600,
      description:
        'The same requests per client, counted per (IP, claimed client id) before authentication ' +
        'and per client id once the client is proven.',
    }),
    authorizePerIp: setting({
      name: 'RATE_LIMIT_AUTHORIZE_PER_IP',
      type: whole(1),
      default: 300,
      description: 'Requests to `/authorize` per IP.',
    }),
    loginPerIp: setting({
      name: 'RATE_LIMIT_LOGIN_PER_IP',
      type: whole(1),
      default: 30,
      description:
        'Login attempts (`POST /login`, `/login/siwe`, `/login/passkey`) and account requests ' +
        "(every `/account/*` route that reads or changes an account's methods, sessions or " +
        "password: the JSON API and the account page's forms) per IP, one budget for all of them.",
    }),
    walletPerIp: setting({
      name: 'RATE_LIMIT_WALLET_PER_IP',
      type: whole(1),
      default: 300,
      description: 'Wallet requests per IP.',
    }),
    walletPerAddress: setting({
      name: 'RATE_LIMIT_WALLET_PER_ADDRESS',
      type: whole(1),
      default: 60,
      description:
        'Wallet requests per address, counted per (IP, claimed address) before a valid signature ' +
        'and per address after it (`/wallet/verify`, `/login/siwe`).',
    }),
    walletRpcPerIp: setting({
      name: 'RATE_LIMIT_WALLET_RPC_PER_IP',
      type: whole(1),
      default: 20,
      description:
        'Contract-wallet signature checks (one `eth_call` each, only with `SIWE_RPC_URLS`) per ' +
        'IP.',
    }),
    metadataPerIp: setting({
      name: 'RATE_LIMIT_METADATA_PER_IP',
      type: whole(1),
      default: 600,
      description:
        'Requests to `/.well-known/oauth-authorization-server` and `/jwks.json` per IP (served ' +
        "uncounted while the limiter's database is down).",
    }),
    registerPerIp: setting({
      name: 'RATE_LIMIT_REGISTER_PER_IP',
      type: whole(1),
      default: 20,
      description: 'Dynamic client registrations (`POST /register`) per IP.',
    }),
    adminApiPerIp: setting({
      name: 'RATE_LIMIT_ADMIN_API_PER_IP',
      type: whole(1),
      default: 600,
      description:
        'Admin API calls (`/admin/v1`) per IP, refused ones included: what a caller without a ' +
        'valid token can try.',
    }),
    adminApiPerClient: setting({
      name: 'RATE_LIMIT_ADMIN_API_PER_CLIENT',
      type: whole(1),
      default: 300,
      description: 'Admin API calls per admin client, counted once its token is checked.',
    }),
    ssfPerIp: setting({
      name: 'RATE_LIMIT_SSF_PER_IP',
      type: whole(1),
      default: 600,
      description:
        'Shared Signals calls (`/ssf`: the stream management API and polls) per IP, refused ones ' +
        'included: what a caller without a valid token can try.',
    }),
    ssfPerReceiver: setting({
      name: 'RATE_LIMIT_SSF_PER_RECEIVER',
      type: whole(1),
      default: 300,
      description:
        'Shared Signals calls per receiver client, counted once its token is checked (a long poll ' +
        'is one call).',
    }),
    passkeyPerIp: setting({
      name: 'RATE_LIMIT_PASSKEY_PER_IP',
      type: whole(1),
      default: 300,
      description: 'Requests to `/passkeys/*` per IP.',
    }),
    upstreamPerIp: setting({
      name: 'RATE_LIMIT_UPSTREAM_PER_IP',
      type: whole(1),
      default: 120,
      description:
        'Requests per IP to `/login/upstream/*` (each start keeps a challenge until it is ' +
        'redeemed or expires; each callback costs requests to the provider).',
    }),
    oid4vpPerIp: setting({
      name: 'RATE_LIMIT_OID4VP_PER_IP',
      type: whole(1),
      default: 120,
      description:
        'Requests per IP to `/oid4vp/*` (a presentation request keeps challenges until it is ' +
        'answered or expires; an answer costs signature checks), per minute.',
    }),
    accountCreationsPerIpPerHour: setting({
      name: 'ACCOUNT_CREATIONS_PER_IP_PER_HOUR',
      type: whole(1),
      default: 20,
      description:
        'Accounts created per hour per IP: a request whose new method (a passkey, a password, a ' +
        "wallet) gives an account its first record (a fresh wallet's or a password user's first " +
        'linked method); past it `429 too_many_requests` with `Retry-After`. An account adding a ' +
        'further method is not counted; operators (`proofgate-admin accounts link`) are not ' +
        'limited.',
    }),
    deviceUserCodesPerAccount: setting({
      name: 'RATE_LIMIT_DEVICE_USER_CODES_PER_ACCOUNT',
      type: whole(2),
      default: 20,
      description:
        'User codes one signed-in account submits at `/device` per 10 minutes (a sign-in submits ' +
        'its code twice), counted before the code is looked up; past it `429` (RFC 8628 §5.1).',
    }),
    deviceUserCodesPerNetwork: setting({
      name: 'RATE_LIMIT_DEVICE_USER_CODES_PER_NETWORK',
      type: whole(2),
      default: 60,
      description: 'The same, for all accounts of one network together: an IPv4 /24, an IPv6 /64.',
    }),
    emailCodesPerAddress: setting({
      name: 'RATE_LIMIT_EMAIL_CODES_PER_ADDRESS',
      type: whole(1),
      default: 5,
      description:
        'Email codes sent to one address per 15 minutes (sign-in and link codes together), ' +
        'counted before the mail is queued: past it `429 too_many_requests` with `Retry-After`, ' +
        'and no mail.',
    }),
    emailCodesPerMailbox: setting({
      name: 'RATE_LIMIT_EMAIL_CODES_PER_MAILBOX',
      type: whole(1),
      default: 10,
      description:
        'Email codes sent to one mailbox per 15 minutes, whatever the subaddress: `victim+1@`, ' +
        '`victim+2@` and `victim@` are one mailbox (and at Gmail, the local part without its ' +
        'dots). Counted with the per-address limit, before the mail is queued.',
    }),
    cibaAnnouncementsPerAccount: setting({
      name: 'RATE_LIMIT_CIBA_ANNOUNCEMENTS_PER_ACCOUNT',
      type: whole(1),
      default: 10,
      description:
        'New backchannel requests (CIBA) announced per hour to one account asked, by mail to its ' +
        'verified addresses and to `CIBA_NOTIFY_URL`: past it a request still waits on the ' +
        'approvals page, unannounced, so no client can flood an inbox or a phone.',
    }),
    emailCodesPerBrowser: setting({
      name: 'RATE_LIMIT_EMAIL_CODES_PER_BROWSER',
      type: whole(1),
      default: 20,
      description:
        'Email codes one browser asks for per 15 minutes (its login page’s pre-login session), ' +
        'whatever the addresses.',
    }),
    emailCodesPerIp: setting({
      name: 'RATE_LIMIT_EMAIL_CODES_PER_IP',
      type: whole(1),
      default: 100,
      description: 'Email codes asked for from one IP per 15 minutes, whatever the addresses.',
    }),
    emailVerifyPerIp: setting({
      name: 'RATE_LIMIT_EMAIL_VERIFY_PER_IP',
      type: whole(1),
      default: 300,
      description:
        'Email codes and links presented from one IP per minute (`/login/email/verify`, ' +
        '`/login/email/link`); each code takes 5 wrong attempts whatever this allows.',
    }),
  },
);

export function readRateLimitConfig(env: EnvReader): RateLimitConfig {
  return Object.freeze({
    store: env.get(RATE_LIMIT_SETTINGS.declared.store),
    lease: env.get(RATE_LIMIT_SETTINGS.declared.lease),
    tokenPerIp: env.get(RATE_LIMIT_SETTINGS.declared.tokenPerIp),
    tokenPerClient: env.get(RATE_LIMIT_SETTINGS.declared.tokenPerClient),
    authorizePerIp: env.get(RATE_LIMIT_SETTINGS.declared.authorizePerIp),
    loginPerIp: env.get(RATE_LIMIT_SETTINGS.declared.loginPerIp),
    walletPerIp: env.get(RATE_LIMIT_SETTINGS.declared.walletPerIp),
    walletPerAddress: env.get(RATE_LIMIT_SETTINGS.declared.walletPerAddress),
    walletRpcPerIp: env.get(RATE_LIMIT_SETTINGS.declared.walletRpcPerIp),
    metadataPerIp: env.get(RATE_LIMIT_SETTINGS.declared.metadataPerIp),
    registerPerIp: env.get(RATE_LIMIT_SETTINGS.declared.registerPerIp),
    adminApiPerIp: env.get(RATE_LIMIT_SETTINGS.declared.adminApiPerIp),
    adminApiPerClient: env.get(RATE_LIMIT_SETTINGS.declared.adminApiPerClient),
    ssfPerIp: env.get(RATE_LIMIT_SETTINGS.declared.ssfPerIp),
    ssfPerReceiver: env.get(RATE_LIMIT_SETTINGS.declared.ssfPerReceiver),
    passkeyPerIp: env.get(RATE_LIMIT_SETTINGS.declared.passkeyPerIp),
    upstreamPerIp: env.get(RATE_LIMIT_SETTINGS.declared.upstreamPerIp),
    oid4vpPerIp: env.get(RATE_LIMIT_SETTINGS.declared.oid4vpPerIp),
    accountCreationsPerIpPerHour: env.get(
      RATE_LIMIT_SETTINGS.declared.accountCreationsPerIpPerHour,
    ),
    deviceUserCodesPerAccount: env.get(RATE_LIMIT_SETTINGS.declared.deviceUserCodesPerAccount),
    deviceUserCodesPerNetwork: env.get(RATE_LIMIT_SETTINGS.declared.deviceUserCodesPerNetwork),
    emailCodesPerAddress: env.get(RATE_LIMIT_SETTINGS.declared.emailCodesPerAddress),
    emailCodesPerMailbox: env.get(RATE_LIMIT_SETTINGS.declared.emailCodesPerMailbox),
    emailCodesPerBrowser: env.get(RATE_LIMIT_SETTINGS.declared.emailCodesPerBrowser),
    emailCodesPerIp: env.get(RATE_LIMIT_SETTINGS.declared.emailCodesPerIp),
    emailVerifyPerIp: env.get(RATE_LIMIT_SETTINGS.declared.emailVerifyPerIp),
    cibaAnnouncementsPerAccount: env.get(RATE_LIMIT_SETTINGS.declared.cibaAnnouncementsPerAccount),
  });
}
