import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

/** How the issuer's JWKS is fetched and cached (jose's createRemoteJWKSet). */
export interface JwksOptions {
  /**
   * A token whose `kid` the cached set lacks (a rotated key) refetches the set, at most once per
   * this many milliseconds. Default 30 000.
   */
  cooldownMs?: number;
  /** The set is refetched when older than this, whatever the tokens' `kid`s. Default 600 000. */
  cacheMaxAgeMs?: number;
  /** A fetch (discovery or JWKS) gives up after this. Default 5 000. */
  timeoutMs?: number;
}

/** The issuer's discovery or JWKS could not be read: no fault of the client's. */
export class KeysUnavailable extends Error {}

/**
 * The issuer's metadata answers, and names another issuer (RFC 8414 §3.3) or no `jwks_uri`: the
 * API's `issuer` option is wrong (a trailing slash the issuer does not write, say), which no retry
 * mends. Thrown out of `authenticate`, for the API's own error handling to log and answer 500,
 * rather than answered to every client as a passing outage (503).
 */
export class IssuerMisconfigured extends Error {}

/** RFC 8414 §3.1: the metadata URL of an issuer, the well-known path before the issuer's path. */
export function discoveryUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * The issuer's signing keys: `jwks_uri` read once from its RFC 8414 metadata (refused unless the
 * document names the same issuer, §3.3), then jose's remote key set, which caches the keys and
 * refetches them when a token names a `kid` it has not seen (a rotation), within a cooldown.
 * A failed discovery is tried again by the next request.
 */
export class IssuerKeys {
  private keySet: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly issuer: string,
    private readonly options: JwksOptions = {},
  ) {}

  readonly getKey: JWTVerifyGetKey = async (header, token) => (await this.keys())(header, token);

  private keys(): Promise<JWTVerifyGetKey> {
    this.keySet ??= this.discover().catch((error: unknown) => {
      this.keySet = undefined;
      throw error;
    });
    return this.keySet;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    let metadata: unknown;
    try {
      const response = await fetch(discoveryUrl(this.issuer), {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      metadata = await response.json();
    } catch (error) {
      throw new KeysUnavailable(`The issuer's metadata could not be read (${reason(error)})`);
    }
    const { issuer, jwks_uri } = (metadata ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
    if (issuer !== this.issuer) {
      throw new IssuerMisconfigured(
        `The issuer's metadata (${discoveryUrl(this.issuer)}) names the issuer ` +
          `${JSON.stringify(issuer)}, not ${JSON.stringify(this.issuer)}: set the option issuer ` +
          'to the issuer exactly as its metadata writes it',
      );
    }
    if (typeof jwks_uri !== 'string') {
      throw new IssuerMisconfigured(
        `The issuer's metadata (${discoveryUrl(this.issuer)}) names no jwks_uri`,
      );
    }
    return createRemoteJWKSet(new URL(jwks_uri), {
      cooldownDuration: this.options.cooldownMs ?? 30_000,
      cacheMaxAge: this.options.cacheMaxAgeMs ?? 600_000,
      timeoutDuration: timeoutMs,
    });
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}
