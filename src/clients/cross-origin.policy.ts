import { Injectable } from '@nestjs/common';
import type { CorsRule } from '../platform/http/cors';
import { ClientRegistry } from './client-registry.service';

/**
 * Whose pages may call an endpoint from their own origin:
 * - `anyone`: published documents, and registration (`*`);
 * - `registered clients`: the web origins of any live stored client's redirect URIs
 *   (OAUTH_CLIENTS, the admin CLI, RFC 7591 registration), and of a client ID metadata
 *   document's in use;
 * - `first-party public clients`: those of the operator's own public clients (`first_party`).
 */
export type CrossOriginCallers = 'anyone' | 'registered clients' | 'first-party public clients';

export interface CrossOriginEndpoint {
  /** The exact path, or a prefix ending in `/*`. */
  readonly path: string;
  readonly methods: readonly string[];
  readonly callers: CrossOriginCallers;
  /** Request headers beyond the CORS-safelisted ones a page may send. */
  readonly headers: readonly string[];
}

/**
 * A token request's credentials and body type, and a browser client's proof of possession
 * (RFC 9449 §4.1 `DPoP`); at /api/me the bearer token.
 */
const TOKEN_HEADERS = ['Authorization', 'Content-Type', 'DPoP'];
/** A JSON body, nothing else: these endpoints take no credentials in headers. */
const JSON_BODY = ['Content-Type'];

/**
 * RFC 9700 §2.6 and the browser-based apps BCP: the endpoints a page on another origin calls
 * directly, and nothing else (never /authorize or the login and account pages: they are navigated
 * to, never fetched, and they use cookies). docs/SECURITY.md's CORS table lists this same table
 * (test/tooling/cors-policy-docs.spec.ts), and the challenge models page tells it per model.
 */
export const CROSS_ORIGIN_ENDPOINTS: readonly CrossOriginEndpoint[] = [
  { path: '/token', methods: ['POST'], callers: 'registered clients', headers: TOKEN_HEADERS },
  // RFC 9126: a browser-based client pushes its request before sending the user to /authorize.
  { path: '/par', methods: ['POST'], callers: 'registered clients', headers: TOKEN_HEADERS },
  { path: '/revoke', methods: ['POST'], callers: 'registered clients', headers: TOKEN_HEADERS },
  // Bearer tokens only (no cookies): a browser-based client calls the API with its token.
  { path: '/api/me', methods: ['GET'], callers: 'registered clients', headers: TOKEN_HEADERS },
  // A dApp signs its users in from its own origin: nonce, then the signed message for tokens.
  { path: '/wallet/nonce', methods: ['POST'], callers: 'registered clients', headers: JSON_BODY },
  { path: '/wallet/verify', methods: ['POST'], callers: 'registered clients', headers: JSON_BODY },
  // Passkey sign-in from the operator's own apps: a passkey answers only the origins in
  // WEBAUTHN_ORIGINS anyway, so no third party could use it; CORS says the same up front.
  {
    path: '/passkeys/authentication/options',
    methods: ['POST'],
    callers: 'first-party public clients',
    headers: JSON_BODY,
  },
  {
    path: '/passkeys/authentication/verify',
    methods: ['POST'],
    callers: 'first-party public clients',
    headers: JSON_BODY,
  },
  // RFC 7591: a browser-based client registers before any origin of it is known.
  { path: '/register', methods: ['POST'], callers: 'anyone', headers: TOKEN_HEADERS },
  { path: '/.well-known/*', methods: ['GET'], callers: 'anyone', headers: TOKEN_HEADERS },
  { path: '/jwks.json', methods: ['GET'], callers: 'anyone', headers: TOKEN_HEADERS },
];

function matches(endpoint: CrossOriginEndpoint, path: string): boolean {
  return endpoint.path.endsWith('/*')
    ? path.startsWith(endpoint.path.slice(0, -1))
    : endpoint.path === path;
}

@Injectable()
export class CrossOriginPolicy {
  private readonly origins: Readonly<Record<CrossOriginCallers, CorsRule['origins']>>;

  constructor(clients: ClientRegistry) {
    this.origins = {
      anyone: 'any',
      'registered clients': (origin) => clients.isRedirectOrigin(origin),
      'first-party public clients': (origin) => clients.isFirstPartyPublicOrigin(origin),
    };
  }

  /** The CORS rule of `path`, or undefined where cross-origin calls are not allowed. */
  readonly ruleFor = (path: string): CorsRule | undefined => {
    const endpoint = CROSS_ORIGIN_ENDPOINTS.find((e) => matches(e, path));
    if (!endpoint) return undefined;
    return {
      methods: endpoint.methods,
      headers: endpoint.headers,
      origins: this.origins[endpoint.callers],
    };
  };
}
