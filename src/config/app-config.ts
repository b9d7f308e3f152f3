import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import {
  ConfigError,
  Env,
  TrustProxy,
  bool as readBool,
  clients,
  chainIds,
  httpUrl as readHttpUrl,
  int as readInt,
  mongoUri,
  oneOf as readOneOf,
  dnsServers,
  pemCertificates,
  rpcUrls,
  solanaChains,
  str,
  trustProxy,
  webOrigins,
  webauthnRpId,
} from './env-parsers';
import { redirectUriProblem } from './redirect-uri-rules';
import { SOLANA_CLUSTERS, type SolanaCluster } from './solana-clusters';
import { TracingConfig, tracingConfig } from './tracing-config';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface DatabaseConfig {
  readonly uri: string;
  /** How long an operation waits for a reachable server before the request is answered 503. */
  readonly serverSelectionTimeoutMs: number;
}

export const SIGNING_ALGS = ['ES256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/**
 * KEY_ENCRYPTION_SECRET of a process started without one outside production: random, and the
 * same for every configuration this process reads (tests boot several apps on one database).
 * `npm start` never relies on it: it hands the service its data folder's own secret
 * (tools/dev-data.js). Keys sealed with it cannot be opened by another process, so a process
 * that must share a database with others (the admin CLI) requires the variable instead. A
 * production boot without KEY_ENCRYPTION_SECRET is refused.
 */
const PROCESS_KEY_ENCRYPTION_SECRET = randomBytes(32).toString('base64url');

export interface TokenConfig {
  readonly signingAlg: SigningAlg;
  /** Encrypts the private signing keys stored in MongoDB. */
  readonly keyEncryptionSecret: string;
  readonly accessTokenTtlSeconds: number;
  /** `aud` of access tokens (RFC 9068): the protected API. */
  readonly audience: string;
  /** Absolute lifetime of a refresh-token family, from the login that started it. */
  readonly refreshTokenTtlSeconds: number;
  /** How long the immediately previous refresh token may be retried (same answer, no alarm). */
  readonly refreshGraceSeconds: number;
  /** How many retries of the previous refresh token the grace window answers (same client only). */
  readonly refreshGraceRetries: number;
}

export interface WalletConfig {
  /** EIP-4361 `domain` the service accepts: pinned, never taken from the Host header. */
  readonly domain: string;
  /** The origin a message's `uri` must equal or lie under. */
  readonly uri: string;
  readonly allowedChainIds: readonly number[];
  /** Sign In With Solana (CAIP-122): the clusters a nonce may be issued for (SIWS_CHAINS). */
  readonly solanaChains: readonly SolanaCluster[];
  /** ERC-1271/6492 RPC endpoint per chain; a chain without one accepts EOA signatures only. */
  readonly rpcUrls: Readonly<Record<number, string>>;
  readonly rpcTimeoutMs: number;
  readonly clockSkewSeconds: number;
}

/** Passkeys (WebAuthn Level 3): the relying party this service is, and the account rules. */
export interface PasskeyConfig {
  /**
   * The RP ID credentials are scoped to: WEBAUTHN_RP_ID, else ISSUER's host (an ISSUER on an IP
   * address needs WEBAUTHN_RP_ID: browsers refuse an IP as an RP ID, so the service refuses to
   * start without one).
   */
  readonly rpId: string;
  /** The origins a ceremony may come from (clientDataJSON `origin`). */
  readonly origins: readonly string[];
  /**
   * How old the login behind an account change (a passkey registered, a method linked) may be:
   * older, and the bearer is told to sign in again (RFC 9470 `max_age`).
   */
  readonly recentLoginSeconds: number;
}

export interface ClientConfig {
  readonly clientId: string;
  /** Absent for public clients (token endpoint auth method `none`). */
  readonly clientSecret?: string;
  readonly redirectUris: readonly string[];
  readonly name: string;
  /** RFC 8707 resources this client may ask tokens for, besides ACCESS_TOKEN_AUDIENCE. */
  readonly resources?: readonly string[];
  /** The operator's own application: no consent screen (`first_party` in OAUTH_CLIENTS). */
  readonly firstParty?: boolean;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: token requests must carry a DPoP proof. */
  readonly dpopBoundAccessTokens?: boolean;
  /** RFC 9126 §6 `require_pushed_authorization_requests`. */
  readonly requirePushedAuthorizationRequests?: boolean;
}

/**
 * The demo clients of the lab this product grew from; seeded only when SEED_DEMO_DATA is on.
 * `demo-client` keeps `http://localhost`: RFC 8252 §8.3 prefers 127.0.0.1, but dev setups rely
 * on localhost, and it is matched exactly (no port freedom), as any confidential client is.
 * Both are first-party: the lab, the demo client and the tests complete /authorize with them
 * and expect a code at once, with no consent step.
 */
export const DEMO_CLIENTS: readonly ClientConfig[] = [
  {
    clientId: 'demo-client',
    clientSecret: 'demo-secret',
    redirectUris: ['http://localhost:25001/callback'],
    name: 'Demo confidential client',
    // RFC 8707: the default resource of examples/mcp-server, so the demo client can get tokens
    // for it, and the attack lab can show such a token refused at /api/me (audience confusion).
    resources: ['http://localhost:25004/mcp'],
    firstParty: true,
  },
  {
    clientId: 'demo-spa',
    redirectUris: ['http://127.0.0.1:25002/callback'],
    name: 'Demo single-page app',
    firstParty: true,
  },
];

export interface OAuthConfig {
  /** Registered clients, from OAUTH_CLIENTS plus the demo clients when seeding is on. */
  readonly clients: readonly ClientConfig[];
  /** Seed the demo users and clients (known passwords): on by default outside production. */
  readonly seedDemoData: boolean;
  /** Require `state` at /authorize (CSRF protection for clients that forget it). */
  readonly requireState: boolean;
  readonly sessionTtlSeconds: number;
  /**
   * How long a remembered consent lasts after the user last allowed the client: consents are
   * written for any signed-in subject, wallets included, so they must not pile up forever.
   */
  readonly consentTtlDays: number;
  /** RFC 8707 resources of clients that registered themselves (see ResourcePolicy). */
  readonly registeredClientResources: RegisteredClientResources;
}

export const REGISTERED_CLIENT_RESOURCE_POLICIES = ['https', 'none'] as const;
/**
 * Which resources a public client that registered itself (POST /register, or a metadata
 * document) may ask tokens for, besides ACCESS_TOKEN_AUDIENCE: any `https:` resource, or none.
 */
export interface RegisteredClientResources {
  readonly policy: (typeof REGISTERED_CLIENT_RESOURCE_POLICIES)[number];
  /**
   * Also `http:` resources on a loopback host (127.0.0.1, [::1], localhost): a resource server
   * on the developer's machine. Outside production only.
   */
  readonly loopbackHttp: boolean;
}

export interface ClientAuthConfig {
  /**
   * How long a client read from MongoDB is served from memory: a change (a removed client, a new
   * secret or redirect URI) reaches every instance within this delay. 0 reads on every request.
   */
  readonly registryCacheTtlSeconds: number;
  /** scrypt verifications of client secrets run at once, per instance. */
  readonly maxConcurrentHashes: number;
  /** Verifications that may wait for a slot; past that the request gets 503. */
  readonly maxQueuedHashes: number;
  /** Failed authentications of one client id before it is refused with 429 ... */
  readonly maxFailures: number;
  /** ... until this window, started by the first failure, ends. */
  readonly failureWindowSeconds: number;
}

/** NIST SP 800-63B §5.2.2 limits on failed password logins (see LoginThrottle). */
export interface LoginThrottleConfig {
  /** Failures of one account from one address before the exponential back-off starts. */
  readonly failuresPerAccountAddress: number;
  /** Failures of one account from all addresses per window: at most 100 (NIST). */
  readonly failuresPerAccount: number;
  /** Length of the fixed windows the counters are kept in. */
  readonly failureWindowSeconds: number;
}

export const RATE_LIMIT_STORES = ['mongo', 'memory'] as const;
export type RateLimitStoreKind = (typeof RATE_LIMIT_STORES)[number];

export interface RateLimitConfig {
  /** `mongo`: counted fleet-wide in MongoDB; `memory`: per instance (a single instance only). */
  readonly store: RateLimitStoreKind;
  /** Requests per minute. */
  readonly tokenPerIp: number;
  readonly tokenPerClient: number;
  readonly authorizePerIp: number;
  readonly loginPerIp: number;
  readonly walletPerIp: number;
  readonly walletPerAddress: number;
  /** Contract-wallet signature checks (one RPC call each) per minute per IP. */
  readonly walletRpcPerIp: number;
  /** Metadata and JWKS requests per minute per IP (served unlimited while the store is down). */
  readonly metadataPerIp: number;
  /** Dynamic client registrations (POST /register) per minute per IP. */
  readonly registerPerIp: number;
  /** Passkey ceremonies (options and verify, anonymous or not) per minute per IP. */
  readonly passkeyPerIp: number;
}

/** RFC 7591 dynamic client registration at POST /register. */
export interface RegistrationConfig {
  /** Anyone may register a public client (`token_endpoint_auth_method: none`). */
  readonly open: boolean;
  /**
   * RFC 7591 §3: the initial access token a confidential registration must present as a Bearer
   * token. Unset: confidential clients cannot register dynamically at all.
   */
  readonly initialAccessToken?: string;
  /** A registered client to which no token was ever issued is forgotten this long after registering. */
  readonly unusedClientTtlHours: number;
  /** A registered client is forgotten this long after the last token issued to it. */
  readonly idleClientTtlDays: number;
  /**
   * Most clients stored (registered, configured and operator-added alike: one cheap count); past
   * it, POST /register answers 503 until expired registrations are swept.
   */
  readonly maxClients: number;
}

/** Client ID metadata documents (draft-ietf-oauth-client-id-metadata-document). */
export interface ClientMetadataConfig {
  /** An https `client_id` is fetched as the client's metadata document. */
  readonly enabled: boolean;
  /**
   * Fetch documents from private, loopback and link-local addresses, and over plain http: for
   * tests and development only (refused in production, where it would open an SSRF hole).
   */
  readonly allowPrivate: boolean;
  /**
   * CLIENT_METADATA_CA_FILE: PEM certificates trusted for document fetches besides Node's
   * built-in roots (client documents served under a private PKI). Unset: the built-in roots.
   */
  readonly extraCaCertificates?: readonly string[];
  /**
   * CLIENT_METADATA_DNS_SERVERS: the DNS servers document hosts are resolved with (c-ares, not
   * the operating system's getaddrinfo). Unset: the system's, from /etc/resolv.conf.
   */
  readonly dnsServers?: readonly string[];
}

export interface OperatorViewsConfig {
  readonly metricsEnabled: boolean;
  readonly docsEnabled: boolean;
}

export interface ChallengeConfig {
  readonly authorizationCodeTtlSeconds: number;
  readonly walletNonceTtlSeconds: number;
  /** Both WebAuthn ceremonies' challenges (registration and authentication). */
  readonly webauthnChallengeTtlSeconds: number;
  /** How often each instance writes its in-memory figures to MongoDB (and on shutdown). */
  readonly figuresFlushMs: number;
}

/** RFC 9449 DPoP (see docs/DPOP-AND-PAR.md). */
export interface DpopConfig {
  /**
   * Every DPoP proof must carry a fresh server nonce (RFC 9449 §8): one without it, or with a
   * stale one, is answered `use_dpop_nonce` and a `DPoP-Nonce` to use.
   */
  readonly requireNonce: boolean;
  /**
   * Proofgate's own API (`/api`) accepts DPoP-bound access tokens only (RFC 9728
   * `dpop_bound_access_tokens_required`): a bearer token is refused there.
   */
  readonly requiredAtApi: boolean;
}

/** RFC 9126 pushed authorization requests (see docs/DPOP-AND-PAR.md). */
export interface ParConfig {
  /** `require_pushed_authorization_requests` for every client (RFC 9126 §5). */
  readonly required: boolean;
  /** Lifetime of a `request_uri` (RFC 9126 §2.2: short; a minute is usual). */
  readonly requestUriTtlSeconds: number;
}

/**
 * The service's typed, validated configuration. `AppConfig.fromEnv` is the only code that reads
 * environment variables; everything else injects `AppConfig`.
 */
export class AppConfig {
  readonly nodeEnv!: NodeEnv;
  readonly host!: string;
  readonly port!: number;
  readonly issuer!: string;
  readonly logLevel!: LogLevel;
  readonly database!: DatabaseConfig;
  readonly challenges!: ChallengeConfig;
  readonly tokens!: TokenConfig;
  readonly wallet!: WalletConfig;
  readonly passkeys!: PasskeyConfig;
  readonly oauth!: OAuthConfig;
  readonly rateLimits!: RateLimitConfig;
  readonly clientAuth!: ClientAuthConfig;
  readonly loginThrottle!: LoginThrottleConfig;
  readonly registration!: RegistrationConfig;
  readonly clientMetadata!: ClientMetadataConfig;
  readonly dpop!: DpopConfig;
  readonly par!: ParConfig;
  /**
   * The /lab page may run the attack scenarios against this instance (off in production; there,
   * only with an ADMIN_TOKEN, which every run must present).
   */
  readonly labEnabled!: boolean;
  /** ALLOW_INSECURE_ISSUER: a production instance may serve an `http:` issuer (a local trial). */
  readonly allowInsecureIssuer!: boolean;
  /** Bearer token for operator views (/challenge-models/live in production); unset: none. */
  readonly adminToken?: string;
  /**
   * Serve /metrics and /docs (with /docs-json) to anyone. When off, only a request carrying
   * `Authorization: Bearer <ADMIN_TOKEN>` gets them, and without an ADMIN_TOKEN nobody does.
   * On by default outside production, off in production.
   */
  readonly operatorViews!: OperatorViewsConfig;
  /**
   * Express `trust proxy`: which proxies in front of the service may name the client in
   * X-Forwarded-For. `false` (unset): none, the client is the TCP peer.
   */
  readonly trustProxy!: TrustProxy;
  /**
   * On SIGTERM or SIGINT: how long requests already under way (and one more on each open
   * connection, answered with `Connection: close`) may take before the remaining connections are
   * cut. Below an orchestrator's own grace period (Kubernetes: 30 s).
   */
  readonly shutdownGraceSeconds!: number;
  /** OpenTelemetry traces; undefined (off, nothing loaded) unless an OTLP endpoint is set. */
  readonly tracing?: TracingConfig;

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  /**
   * Reads and validates every variable before failing, so that an operator sees all the problems
   * of a deployment at once: throws one ConfigError listing each variable's problem.
   *
   * `serves: false` is for the admin CLI, which answers no request: the production preflight of
   * what a served instance exposes (its issuer's scheme, the lab) does not apply to it.
   */
  static fromEnv(env: Env, { serves = true }: { serves?: boolean } = {}): AppConfig {
    const problems: string[] = [];
    /** A variable's value, or `fallback` (recorded as a problem) when it is invalid. */
    const read = <T>(parse: () => T, fallback: T): T => {
      try {
        return parse();
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems.push(...error.problems);
        return fallback;
      }
    };
    // The readers of env-parsers, each recording its problem and going on with the default.
    const int = (e: Env, name: string, fallback: number, range?: { min?: number; max?: number }) =>
      read(() => readInt(e, name, fallback, range), fallback);
    const bool = (e: Env, name: string, fallback: boolean) =>
      read(() => readBool(e, name, fallback), fallback);
    const oneOf = <T extends string>(e: Env, name: string, allowed: readonly T[], fallback: T) =>
      read(() => readOneOf(e, name, allowed, fallback), fallback);
    const httpUrl = (e: Env, name: string, fallback: string) =>
      read(() => readHttpUrl(e, name, fallback), fallback);

    const nodeEnv = oneOf(env, 'NODE_ENV', NODE_ENVS, 'development');
    const port = int(env, 'PORT', 25000, { min: 0, max: 65535 });
    const uri = read(() => mongoUri(env, 'MONGODB_URI'), '');
    if (uri === undefined) {
      problems.push(
        nodeEnv === 'production'
          ? 'MONGODB_URI is required when NODE_ENV=production'
          : 'MONGODB_URI is not set (use `npm start`, which starts an embedded dev database)',
      );
    }
    const issuer = httpUrl(env, 'ISSUER', `http://localhost:${port}`);
    const keyEncryptionSecret = str(env, 'KEY_ENCRYPTION_SECRET');
    if (keyEncryptionSecret === undefined && nodeEnv === 'production') {
      problems.push('KEY_ENCRYPTION_SECRET is required when NODE_ENV=production');
    }
    if (keyEncryptionSecret !== undefined && keyEncryptionSecret.length < 32) {
      problems.push('KEY_ENCRYPTION_SECRET must be at least 32 characters');
    }
    const initialAccessToken = str(env, 'REGISTRATION_INITIAL_ACCESS_TOKEN');
    if (initialAccessToken !== undefined && initialAccessToken.length < 32) {
      problems.push('REGISTRATION_INITIAL_ACCESS_TOKEN must be at least 32 characters');
    }
    const allowPrivateMetadata = bool(env, 'CLIENT_METADATA_ALLOW_PRIVATE', false);
    if (allowPrivateMetadata && nodeEnv === 'production') {
      problems.push(
        'CLIENT_METADATA_ALLOW_PRIVATE=true is refused when NODE_ENV=production (it lets a client_id make the server fetch internal addresses)',
      );
    }
    const metadataCas = read(() => pemCertificates(env, 'CLIENT_METADATA_CA_FILE'), undefined);
    const metadataDnsServers = read(
      () => dnsServers(env, 'CLIENT_METADATA_DNS_SERVERS'),
      undefined,
    );
    const adminToken = str(env, 'ADMIN_TOKEN');
    if (adminToken !== undefined && adminToken.length < 32) {
      problems.push('ADMIN_TOKEN must be at least 32 characters');
    }
    const seedDemoData = bool(env, 'SEED_DEMO_DATA', nodeEnv !== 'production');
    const labEnabled = bool(env, 'LAB_ENABLED', nodeEnv !== 'production');
    const allowInsecureIssuer = bool(env, 'ALLOW_INSECURE_ISSUER', false);
    if (nodeEnv === 'production' && serves) {
      // The production preflight: settings that are fine on a developer's machine and unsafe on
      // a served instance stop the start (demo data only warns: see DemoUserSeeder).
      problems.push(...productionRefusals({ issuer, allowInsecureIssuer, labEnabled, adminToken }));
    }
    const configuredClients = read(() => clients(env, 'OAUTH_CLIENTS'), []);
    const siweUri = httpUrl(env, 'SIWE_URI', new URL(issuer).origin);
    const passkeys = read(() => passkeySettings(env, issuer), {
      rpId: new URL(issuer).hostname,
      origins: [new URL(issuer).origin],
      recentLoginSeconds: 600,
    });
    const tracing = read(() => tracingConfig(env), undefined);
    const config = Object.assign(new AppConfig(), {
      nodeEnv,
      host: str(env, 'HOST', '127.0.0.1'),
      port,
      issuer,
      logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
      database: {
        uri: uri ?? '',
        serverSelectionTimeoutMs: int(env, 'MONGODB_SERVER_SELECTION_TIMEOUT_MS', 3000, {
          min: 100,
          max: 60_000,
        }),
      },
      challenges: {
        authorizationCodeTtlSeconds: int(env, 'AUTH_CODE_TTL_SECONDS', 60, { min: 1, max: 600 }),
        walletNonceTtlSeconds: int(env, 'WALLET_NONCE_TTL_SECONDS', 300, { min: 1, max: 3600 }),
        webauthnChallengeTtlSeconds: int(env, 'WEBAUTHN_CHALLENGE_TTL_SECONDS', 300, {
          min: 10,
          max: 600,
        }),
        figuresFlushMs: int(env, 'FIGURES_FLUSH_MS', 1000, { min: 100, max: 600_000 }),
      },
      tokens: {
        signingAlg: oneOf(env, 'TOKEN_SIGNING_ALG', SIGNING_ALGS, 'ES256'),
        keyEncryptionSecret: keyEncryptionSecret ?? PROCESS_KEY_ENCRYPTION_SECRET,
        accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, { min: 30, max: 86_400 }),
        audience: str(env, 'ACCESS_TOKEN_AUDIENCE', `${issuer}/api`),
        refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, {
          min: 60,
          max: 365 * 86_400,
        }),
        refreshGraceSeconds: int(env, 'REFRESH_TOKEN_GRACE_SECONDS', 10, { min: 0, max: 120 }),
        refreshGraceRetries: int(env, 'REFRESH_TOKEN_GRACE_RETRIES', 5, { min: 0, max: 100 }),
      },
      wallet: {
        domain: str(env, 'SIWE_DOMAIN', new URL(siweUri).host),
        uri: siweUri,
        allowedChainIds: read(() => chainIds(env, 'SIWE_CHAIN_IDS', [1]), [1]),
        solanaChains: read(
          () => solanaChains(env, 'SIWS_CHAINS', [SOLANA_CLUSTERS[0]]),
          [SOLANA_CLUSTERS[0]],
        ),
        rpcUrls: read(() => rpcUrls(env, 'SIWE_RPC_URLS'), {}),
        rpcTimeoutMs: int(env, 'SIWE_RPC_TIMEOUT_MS', 3000, { min: 100, max: 30_000 }),
        clockSkewSeconds: int(env, 'SIWE_CLOCK_SKEW_SECONDS', 60, { min: 0, max: 600 }),
      },
      passkeys,
      oauth: {
        clients: mergeClients(
          seedDemoData ? read(() => checkDemoClients(DEMO_CLIENTS), []) : [],
          configuredClients,
        ),
        seedDemoData,
        requireState: bool(env, 'OAUTH_REQUIRE_STATE', true),
        sessionTtlSeconds: int(env, 'SESSION_TTL_SECONDS', 8 * 3600, { min: 60, max: 30 * 86_400 }),
        consentTtlDays: int(env, 'CONSENT_TTL_DAYS', 365, { min: 1, max: 3650 }),
        registeredClientResources: {
          policy: oneOf(
            env,
            'REGISTERED_CLIENT_RESOURCES',
            REGISTERED_CLIENT_RESOURCE_POLICIES,
            'https',
          ),
          loopbackHttp: nodeEnv !== 'production',
        },
      },
      ...(adminToken ? { adminToken } : {}),
      ...(tracing ? { tracing } : {}),
      trustProxy: read(() => trustProxy(env, 'TRUST_PROXY'), false),
      shutdownGraceSeconds: int(env, 'SHUTDOWN_GRACE_SECONDS', 10, { min: 0, max: 600 }),
      labEnabled,
      allowInsecureIssuer,
      operatorViews: {
        metricsEnabled: bool(env, 'METRICS_ENABLED', nodeEnv !== 'production'),
        docsEnabled: bool(env, 'DOCS_ENABLED', nodeEnv !== 'production'),
      },
      clientAuth: {
        registryCacheTtlSeconds: int(env, 'CLIENT_CACHE_TTL_SECONDS', 10, { min: 0, max: 300 }),
        maxConcurrentHashes: int(env, 'CLIENT_AUTH_MAX_CONCURRENT_HASHES', 2, { min: 1, max: 64 }),
        maxQueuedHashes: int(env, 'CLIENT_AUTH_MAX_QUEUED_HASHES', 16, { min: 0, max: 10_000 }),
        maxFailures: int(env, 'CLIENT_AUTH_MAX_FAILURES', 10, { min: 1 }),
        failureWindowSeconds: int(env, 'CLIENT_AUTH_FAILURE_WINDOW_SECONDS', 60, {
          min: 1,
          max: 86_400,
        }),
      },
      loginThrottle: {
        failuresPerAccountAddress: int(env, 'LOGIN_FAILURES_PER_ACCOUNT_IP', 5, {
          min: 1,
          max: 100,
        }),
        failuresPerAccount: int(env, 'LOGIN_FAILURES_PER_ACCOUNT', 100, { min: 1, max: 100 }),
        failureWindowSeconds: int(env, 'LOGIN_FAILURE_WINDOW_SECONDS', 3600, {
          min: 60,
          max: 86_400,
        }),
      },
      rateLimits: {
        store: oneOf(env, 'RATE_LIMIT_STORE', RATE_LIMIT_STORES, 'mongo'),
        tokenPerIp: int(env, 'RATE_LIMIT_TOKEN_PER_IP', 300, { min: 1 }),
        tokenPerClient: int(env, 'RATE_LIMIT_TOKEN_PER_CLIENT', 600, { min: 1 }),
        authorizePerIp: int(env, 'RATE_LIMIT_AUTHORIZE_PER_IP', 300, { min: 1 }),
        loginPerIp: int(env, 'RATE_LIMIT_LOGIN_PER_IP', 30, { min: 1 }),
        walletPerIp: int(env, 'RATE_LIMIT_WALLET_PER_IP', 300, { min: 1 }),
        walletPerAddress: int(env, 'RATE_LIMIT_WALLET_PER_ADDRESS', 60, { min: 1 }),
        walletRpcPerIp: int(env, 'RATE_LIMIT_WALLET_RPC_PER_IP', 20, { min: 1 }),
        metadataPerIp: int(env, 'RATE_LIMIT_METADATA_PER_IP', 600, { min: 1 }),
        registerPerIp: int(env, 'RATE_LIMIT_REGISTER_PER_IP', 20, { min: 1 }),
        passkeyPerIp: int(env, 'RATE_LIMIT_PASSKEY_PER_IP', 300, { min: 1 }),
      },
      registration: {
        open: bool(env, 'REGISTRATION_OPEN', true),
        ...(initialAccessToken ? { initialAccessToken } : {}),
        unusedClientTtlHours: int(env, 'REGISTERED_CLIENT_UNUSED_TTL_HOURS', 24, {
          min: 1,
          max: 24 * 365,
        }),
        idleClientTtlDays: int(env, 'REGISTERED_CLIENT_IDLE_TTL_DAYS', 90, { min: 1, max: 3650 }),
        maxClients: int(env, 'REGISTERED_CLIENTS_MAX', 10_000, { min: 1, max: 10_000_000 }),
      },
      dpop: {
        requireNonce: bool(env, 'DPOP_REQUIRE_NONCE', false),
        requiredAtApi: bool(env, 'API_DPOP_BOUND_ACCESS_TOKENS_REQUIRED', false),
      },
      par: {
        required: bool(env, 'REQUIRE_PUSHED_AUTHORIZATION_REQUESTS', false),
        requestUriTtlSeconds: int(env, 'PAR_REQUEST_URI_TTL_SECONDS', 60, { min: 5, max: 600 }),
      },
      clientMetadata: {
        enabled: bool(env, 'CLIENT_METADATA_DOCUMENTS', true),
        allowPrivate: allowPrivateMetadata,
        ...(metadataCas ? { extraCaCertificates: metadataCas } : {}),
        ...(metadataDnsServers ? { dnsServers: metadataDnsServers } : {}),
      },
    });
    if (problems.length > 0) throw new ConfigError(problems);
    return config;
  }
}

/**
 * What a production instance refuses to start with. An `http:` issuer sends codes, tokens and the
 * session cookie in the clear and leaves cookies without `Secure` (OAuth 2.1 §1.5, RFC 9700
 * §2.6: TLS on every endpoint): only ALLOW_INSECURE_ISSUER=true, an explicit choice, lets it
 * through. The lab sends attack traffic from the instance itself: in production only an
 * operator holding ADMIN_TOKEN may start it.
 */
function productionRefusals(settings: {
  issuer: string;
  allowInsecureIssuer: boolean;
  labEnabled: boolean;
  adminToken: string | undefined;
}): string[] {
  const refusals: string[] = [];
  if (new URL(settings.issuer).protocol === 'http:' && !settings.allowInsecureIssuer) {
    refusals.push(
      `ISSUER must be an https URL when NODE_ENV=production, got ${settings.issuer} (cookies would not be Secure, and codes and tokens would cross the network in clear text); for a local trial only, set ALLOW_INSECURE_ISSUER=true`,
    );
  }
  if (settings.labEnabled && settings.adminToken === undefined) {
    refusals.push(
      'LAB_ENABLED=true requires ADMIN_TOKEN when NODE_ENV=production: a lab run must present it as a Bearer token',
    );
  }
  return refusals;
}

/**
 * WEBAUTHN_RP_ID, WEBAUTHN_ORIGINS and ACCOUNT_RECENT_LOGIN_SECONDS, checked together: WebAuthn
 * Level 3 §5.1.2 lets a ceremony use an RP ID only when it is the origin's host or a registrable
 * suffix of it, so every origin must lie under the RP ID; and an IP address is never a valid RP
 * ID (browsers refuse it), so an ISSUER on one needs WEBAUTHN_RP_ID.
 */
function passkeySettings(env: Env, issuer: string): PasskeyConfig {
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

/** The demo seed obeys the rules OAUTH_CLIENTS does (a failure here is a bug, caught at boot). */
function checkDemoClients(demo: readonly ClientConfig[]): readonly ClientConfig[] {
  for (const client of demo) {
    for (const uri of client.redirectUris) {
      const problem = redirectUriProblem(uri);
      if (problem)
        throw new ConfigError(`Demo client ${client.clientId}: redirect_uris ${problem}`);
    }
  }
  return demo;
}

/** Configured clients replace demo clients of the same id. */
function mergeClients(
  demo: readonly ClientConfig[],
  configured: readonly ClientConfig[],
): ClientConfig[] {
  const ids = new Set(configured.map((c) => c.clientId));
  return [...demo.filter((c) => !ids.has(c.clientId)), ...configured];
}
