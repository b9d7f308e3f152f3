import { Injectable, Logger } from '@nestjs/common';
import { importJWK, type JWK } from 'jose';
import * as client from 'openid-client';
import type {
  OAuth2UpstreamProvider,
  OidcUpstreamProvider,
  UpstreamProvider,
} from '../config/sections/upstream.config';
import { ServerConfig } from '../config/sections/server.config';
import { Clock } from '../platform/clock/clock';
import { SingleFlight } from '../platform/concurrency/single-flight';
import { GuardedFetcher, OutboundFetchError } from '../platform/http/outbound/guarded-fetcher';
import { UPSTREAM_FETCH_LIMITS, upstreamFetch } from './upstream-fetch';
import { UpstreamRefusal, type UpstreamRefusalReason } from './upstream.errors';

/** Who signed in at a provider, as the provider told it. */
export interface UpstreamIdentity {
  readonly providerId: string;
  /** The provider's `sub` (its user API's subject field, for OAuth 2.0): stable, never reused. */
  readonly subject: string;
  /** Only an address the provider says it verified (`email_verified: true`). */
  readonly email?: string;
  /**
   * OpenID Connect Core §2: when the person last authenticated at the provider (`auth_time`, in
   * seconds), where the ID token says; the provider's session may be much older than this sign-in.
   */
  readonly authTime?: number;
}

/** What the callback proves against: the sign-in's own values, from its redeemed challenge. */
export interface UpstreamChecks {
  readonly state: string;
  readonly nonce?: string;
  readonly codeVerifier: string;
}

/** A discovery document is used this long, then fetched again (a provider's keys rotate apart). */
const DISCOVERY_MAX_AGE_MS = 60 * 60_000;
/**
 * A provider's `sub`: visible ASCII, at most 214 characters, so that its method key
 * `upstream:<id>:<sub>` stays within OpenID Connect Core §2's 255 characters (ids are at most 31).
 */
const SUBJECT = /^[\x21-\x7E]{1,214}$/;
/** RFC 5321 §4.5.3.1.3: a path (an address) is at most 256 octets, with its brackets. */
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;
/** oauth4webapi's error codes that mean the ID token failed a check (claims, time, its key). */
const ID_TOKEN_CHECKS = new Set([
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
]);
/**
 * A signature that does not verify has no code of its own: openid-client answers
 * OAUTH_INVALID_RESPONSE, as for any malformed answer, caused by oauth4webapi's error of that code
 * whose fixed message names it.
 */
const BAD_SIGNATURE = 'JWT signature verification failed';
/** The same for a claim the ID token must carry and does not (its `nonce`, `iat`): its message. */
const MISSING_CLAIM = /^JWT "[a-z_]+" \([^)]*\) claim missing$/;

interface Discovered {
  readonly metadata: client.ServerMetadata;
  readonly until: number;
}

/**
 * Proofgate as a relying party of the upstream providers, through openid-client: the
 * authorization request (PKCE S256, and a nonce for OpenID Connect), and the callback's
 * authorization code exchanged and proven (state, RFC 9207 iss, the ID token's signature, iss,
 * aud, exp and nonce), then who signed in. Every request goes through the SSRF guard
 * (upstream-fetch.ts). The library's checks run on this server's Clock.
 */
@Injectable()
export class UpstreamRelyingParty {
  private readonly logger = new Logger(UpstreamRelyingParty.name);
  private readonly discovered = new Map<string, Discovered>();
  private readonly discoveries = new SingleFlight<string, client.ServerMetadata>();
  /** Each provider's JWK Set as openid-client last fetched it, kept across callbacks. */
  private readonly keySets = new Map<string, client.ExportedJWKSCache>();
  private readonly signingKeys = new Map<string, Promise<client.CryptoKey>>();

  constructor(
    private readonly fetcher: GuardedFetcher,
    private readonly server: ServerConfig,
    private readonly clock: Clock,
  ) {}

  /** The redirect URI registered at every provider for `provider`. */
  redirectUri(provider: UpstreamProvider): string {
    return `${this.server.issuer}/login/upstream/${provider.id}/callback`;
  }

  /**
   * The authorization request to send the browser to (RFC 6749 §4.1.1, RFC 7636 §4.3). `maxAge`:
   * how recent a sign-in at the provider this one needs (OpenID Connect Core §3.1.2.1 `max_age`,
   * for an OpenID Connect provider; 0 to authenticate again now).
   */
  async authorizationUrl(
    provider: UpstreamProvider,
    checks: UpstreamChecks,
    maxAge?: number,
  ): Promise<string> {
    const config = await this.configuration(provider);
    const fresh = maxAge !== undefined && provider.kind === 'oidc';
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: this.redirectUri(provider),
        ...(provider.scopes.length > 0 ? { scope: provider.scopes.join(' ') } : {}),
        state: checks.state,
        ...(checks.nonce === undefined ? {} : { nonce: checks.nonce }),
        ...(fresh ? { max_age: String(maxAge) } : {}),
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      })
      .toString();
  }

  /**
   * Whether the provider advertises RFC 9207's `iss` in its authorization responses (an OAuth
   * 2.0 provider named by its endpoints advertises nothing).
   */
  async advertisesIssuer(provider: UpstreamProvider): Promise<boolean> {
    if (provider.kind === 'oauth2') return false;
    const metadata = await this.metadataOf(provider);
    return metadata.authorization_response_iss_parameter_supported === true;
  }

  /**
   * Exchanges the callback's code (with the PKCE verifier) and proves the answer: the ID token for
   * OpenID Connect (its email from the user info when it has none), the user API for OAuth 2.0.
   * Every failure is an UpstreamRefusal, said without the provider's words or any token.
   */
  async identity(
    provider: UpstreamProvider,
    callback: URL,
    checks: UpstreamChecks,
  ): Promise<UpstreamIdentity> {
    const config = await this.configuration(provider);
    try {
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        ...(checks.nonce === undefined ? {} : { expectedNonce: checks.nonce }),
      });
      const identity =
        provider.kind === 'oidc'
          ? await this.oidcIdentity(provider, config, tokens)
          : await this.oauth2Identity(provider, config, tokens.access_token);
      const keys = client.getJwksCache(config);
      if (keys) this.keySets.set(provider.id, keys);
      return identity;
    } catch (error) {
      throw this.refusalOf(provider, error);
    }
  }

  /** OpenID Connect Core §3.1.3.7: the ID token openid-client validated names who signed in. */
  private async oidcIdentity(
    provider: OidcUpstreamProvider,
    config: client.Configuration,
    tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
  ): Promise<UpstreamIdentity> {
    const claims = tokens.claims();
    if (!claims) throw new UpstreamRefusal('provider_answer_invalid');
    const subject = subjectOf(claims.sub);
    let emailClaims: Readonly<Record<string, unknown>> = claims;
    // §5.4: with an access token, a provider may keep the scope's claims for the user info
    // (node-oidc-provider, Okta): asked only when the ID token has no email, its sub checked.
    if (
      claims.email === undefined &&
      provider.scopes.includes('email') &&
      config.serverMetadata().userinfo_endpoint !== undefined
    ) {
      emailClaims = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    }
    const authTime = authTimeOf(claims.auth_time);
    return {
      providerId: provider.id,
      subject,
      ...verifiedEmail(emailClaims),
      ...(authTime === undefined ? {} : { authTime }),
    };
  }

  /** An OAuth 2.0 provider's user API (GitHub's /user): its subject field names the user. */
  private async oauth2Identity(
    provider: OAuth2UpstreamProvider,
    config: client.Configuration,
    accessToken: string,
  ): Promise<UpstreamIdentity> {
    const answer = await client.fetchProtectedResource(
      config,
      accessToken,
      new URL(provider.userinfoEndpoint),
      'GET',
    );
    if (answer.status !== 200) {
      throw new UpstreamRefusal(answer.status >= 500 ? 'provider_unavailable' : 'refused');
    }
    const user: unknown = await answer.json().catch(() => undefined);
    if (typeof user !== 'object' || user === null || Array.isArray(user)) {
      throw new UpstreamRefusal('provider_answer_invalid');
    }
    const fields = user as Record<string, unknown>;
    const value = fields[provider.subjectField];
    const subject = subjectOf(
      typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value,
    );
    return { providerId: provider.id, subject, ...verifiedEmail(fields) };
  }

  /**
   * The provider's configuration for one exchange: its metadata (discovered, or its configured
   * endpoints), Proofgate's client authentication, the guarded fetch, and this server's clock
   * (openid-client checks `exp` and `iat` against now plus the skew).
   */
  private async configuration(provider: UpstreamProvider): Promise<client.Configuration> {
    const [metadata, auth] = await Promise.all([
      this.metadataOf(provider),
      this.clientAuthOf(provider),
    ]);
    const skew = Math.round((this.clock.now().getTime() - Date.now()) / 1000);
    const config = new client.Configuration(
      metadata,
      provider.clientId,
      {
        [client.clockSkew]: skew,
      },
      auth,
    );
    this.prepare(provider, config);
    if (provider.kind === 'oidc') {
      // Its ID token's signature too, not only TLS to its token endpoint (a loopback provider in
      // development is plain http).
      client.enableNonRepudiationChecks(config);
      const keys = this.keySets.get(provider.id);
      if (keys) client.setJwksCache(config, keys);
    }
    return config;
  }

  private prepare(provider: UpstreamProvider, config: client.Configuration): void {
    config[client.customFetch] = upstreamFetch(this.fetcher, {
      production: this.server.isProduction,
      operatorHosts: operatorHosts(provider),
    });
    config.timeout = UPSTREAM_FETCH_LIMITS.timeoutMs / 1000;
    // Plain http is refused in production by the configuration and by the fetch itself.
    if (!this.server.isProduction) client.allowInsecureRequests(config);
  }

  /** OpenID Connect Discovery 1.0 §4, cached; an OAuth 2.0 provider's configured endpoints. */
  private async metadataOf(provider: UpstreamProvider): Promise<client.ServerMetadata> {
    if (provider.kind === 'oauth2') {
      return {
        issuer: provider.issuer,
        authorization_endpoint: provider.authorizationEndpoint,
        token_endpoint: provider.tokenEndpoint,
        userinfo_endpoint: provider.userinfoEndpoint,
      };
    }
    const now = this.clock.now().getTime();
    const cached = this.discovered.get(provider.id);
    if (cached && cached.until > now) return cached.metadata;
    return this.discoveries.run(provider.id, async () => {
      try {
        const config = await client.discovery(
          new URL(provider.issuer),
          provider.clientId,
          undefined,
          undefined,
          {
            [client.customFetch]: upstreamFetch(this.fetcher, {
              production: this.server.isProduction,
              operatorHosts: operatorHosts(provider),
            }),
            timeout: UPSTREAM_FETCH_LIMITS.timeoutMs / 1000,
            execute: this.server.isProduction ? [] : [client.allowInsecureRequests],
          },
        );
        const metadata = config.serverMetadata();
        this.discovered.set(provider.id, { metadata, until: now + DISCOVERY_MAX_AGE_MS });
        return metadata;
      } catch (error) {
        throw this.refusalOf(provider, error);
      }
    });
  }

  /**
   * RFC 6749 §2.3.1 with the secret (HTTP Basic where the provider's metadata allows it, as RFC
   * 8414 §2 defaults; in the body for an OAuth 2.0 provider, as GitHub documents), or RFC 7523
   * §2.2 private_key_jwt with the configured private key.
   */
  private async clientAuthOf(provider: UpstreamProvider): Promise<client.ClientAuth> {
    const auth = provider.clientAuth;
    if (auth.method === 'private_key_jwt') {
      const key = await this.signingKeyOf(provider.id, auth.jwk);
      return client.PrivateKeyJwt(
        typeof auth.jwk.kid === 'string' ? { key, kid: auth.jwk.kid } : key,
      );
    }
    if (provider.kind === 'oauth2') return client.ClientSecretPost(auth.secret);
    const methods = (await this.metadataOf(provider)).token_endpoint_auth_methods_supported;
    return methods === undefined || methods.includes('client_secret_basic')
      ? client.ClientSecretBasic(auth.secret)
      : client.ClientSecretPost(auth.secret);
  }

  private signingKeyOf(
    providerId: string,
    jwk: Readonly<Record<string, unknown>>,
  ): Promise<client.CryptoKey> {
    let key = this.signingKeys.get(providerId);
    if (!key) {
      key = importJWK(jwk as JWK, algorithmOf(jwk)).then((imported) => {
        if (imported instanceof Uint8Array) throw new Error('private_key_jwk is not a private key');
        return imported;
      });
      key.catch(() => this.signingKeys.delete(providerId));
      this.signingKeys.set(providerId, key);
    }
    return key;
  }

  /**
   * What a failed exchange tells the user, and the operator's log line: a refusal already decided
   * passes; a request that never got an answer is the provider down; the provider's error answer
   * (invalid_grant, ...) is a refusal; a failed ID token check is named; anything else is an answer
   * that is no valid sign-in. Logged by its code only: never a token, a code or the provider's text.
   */
  private refusalOf(provider: UpstreamProvider, error: unknown): UpstreamRefusal {
    if (error instanceof UpstreamRefusal) return error;
    const reason = reasonOf(error);
    this.logger.warn(
      `Sign-in at upstream provider ${provider.id} failed: ${reason} (${describe(error)})`,
    );
    return new UpstreamRefusal(reason);
  }
}

function reasonOf(error: unknown): UpstreamRefusalReason {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof OutboundFetchError) return 'provider_unavailable';
    if (cause instanceof DOMException && cause.name === 'TimeoutError')
      return 'provider_unavailable';
    if (cause.message === BAD_SIGNATURE || MISSING_CLAIM.test(cause.message)) {
      return 'id_token_invalid';
    }
  }
  if (error instanceof client.ResponseBodyError) {
    return error.status >= 500 ? 'provider_unavailable' : 'refused';
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && ID_TOKEN_CHECKS.has(code)) return 'id_token_invalid';
  if (code === 'OAUTH_TIMEOUT') return 'provider_unavailable';
  return 'provider_answer_invalid';
}

/** An error as a log line may name it: its class, code and message, never its cause's data. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'not an Error';
  const code = (error as { code?: unknown }).code;
  const errorCode = error instanceof client.ResponseBodyError ? ` ${error.error}` : '';
  const cause = error.cause instanceof Error ? `; cause: ${error.cause.message}` : '';
  return `${error.name}${typeof code === 'string' ? ` ${code}` : ''}${errorCode}: ${error.message}${cause}`;
}

function subjectOf(value: unknown): string {
  if (typeof value !== 'string' || !SUBJECT.test(value)) {
    throw new UpstreamRefusal('provider_answer_invalid');
  }
  return value;
}

/** OpenID Connect Core §5.1: `email` is taken only with `email_verified` true. */
function verifiedEmail(claims: Readonly<Record<string, unknown>>): { email?: string } {
  const { email, email_verified: verified } = claims;
  if (verified !== true || typeof email !== 'string' || !EMAIL.test(email)) return {};
  return { email };
}

/** The hosts the operator named for the provider (URL.host: with a port when it has one). */
function operatorHosts(provider: UpstreamProvider): ReadonlySet<string> {
  const urls =
    provider.kind === 'oidc'
      ? [provider.issuer]
      : [
          provider.issuer,
          provider.authorizationEndpoint,
          provider.tokenEndpoint,
          provider.userinfoEndpoint,
        ];
  return new Set(urls.map((url) => new URL(url).host));
}

/** RFC 7518 §3.1: the JWS algorithm of a private JWK, its own `alg` or its key type's. */
function algorithmOf(jwk: Readonly<Record<string, unknown>>): string {
  if (typeof jwk.alg === 'string') return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  const curves: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
  return curves[String(jwk.crv)] ?? 'ES256';
}

/** An ID token's `auth_time` (seconds since the epoch), when it is one. */
function authTimeOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
