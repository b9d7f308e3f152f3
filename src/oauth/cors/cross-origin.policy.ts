import { Injectable } from '@nestjs/common';
import type { CorsRule } from '../../platform/http/cors';
import { ClientRegistry } from '../../clients/client-registry.service';

type Origins = 'any' | 'registered';

/**
 * RFC 9700 §2.6 and the browser-based apps BCP: the endpoints a browser-based client calls
 * directly. The token-issuing ones and the protected API answer the origins of registered
 * redirect URIs; published metadata and keys answer anyone, and so does registration. Nothing
 * else, and never /authorize or the login pages: they are navigated to, never fetched.
 */
const CROSS_ORIGIN_ENDPOINTS: ReadonlyArray<{
  path: string | RegExp;
  methods: readonly string[];
  origins: Origins;
}> = [
  { path: '/token', methods: ['POST'], origins: 'registered' },
  // RFC 9126: a browser-based client pushes its request before sending the user to /authorize.
  { path: '/par', methods: ['POST'], origins: 'registered' },
  { path: '/revoke', methods: ['POST'], origins: 'registered' },
  // Bearer tokens only (no cookies): a browser-based client calls the API with its token.
  { path: '/api/me', methods: ['GET'], origins: 'registered' },
  // RFC 7591: a browser-based client registers before any origin of it is known.
  { path: '/register', methods: ['POST'], origins: 'any' },
  { path: /^\/\.well-known\//, methods: ['GET'], origins: 'any' },
  { path: '/jwks.json', methods: ['GET'], origins: 'any' },
];

@Injectable()
export class CrossOriginPolicy {
  private readonly registered: CorsRule['origins'];

  constructor(clients: ClientRegistry) {
    this.registered = (origin) => clients.isRedirectOrigin(origin);
  }

  /** The CORS rule of `path`, or undefined where cross-origin calls are not allowed. */
  readonly ruleFor = (path: string): CorsRule | undefined => {
    const endpoint = CROSS_ORIGIN_ENDPOINTS.find((e) =>
      typeof e.path === 'string' ? e.path === path : e.path.test(path),
    );
    if (!endpoint) return undefined;
    return {
      methods: endpoint.methods,
      origins: endpoint.origins === 'any' ? 'any' : this.registered,
    };
  };
}
