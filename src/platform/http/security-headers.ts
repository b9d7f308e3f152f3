import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Security headers for every response, built on helmet. The CSP allows only our own scripts,
 * styles and connections, so the server-rendered pages carry no inline script or style.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      // Spelled out in full rather than merged with helmet's defaults, so the policy reads here.
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // Browsers (Chromium among them) also check form-action against each redirect that
        // follows a form submission (CSP3). POST /login answers 303 to /authorize, which redirects
        // on to the client's redirect_uri: http for loopback clients (RFC 8252 §7.3, e.g.
        // http://localhost:25001/callback), https for the rest. `'self'` alone would block that
        // last hop. Listing `https: http://localhost:* http://127.0.0.1:*` instead would be
        // narrower, but CSP host sources cannot express [::1]. The scheme sources give up little:
        // every interpolated value is escaped, so no injected form can use them. A native app's
        // private-use scheme (RFC 8252 §7.1) would have to be added.
        formAction: ["'self'", 'http:', 'https:'],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        // No `upgrade-insecure-requests`: a deployment served over plain http (the development
        // issuer) would have its own form posts rewritten to https.
      },
    },
    // The CSP's frame-ancestors supersedes it; X-Frame-Options covers browsers without CSP2.
    xFrameOptions: { action: 'deny' },
    // Authorization requests and redirects carry state and codes in URLs: never leak them.
    referrerPolicy: { policy: 'no-referrer' },
    xContentTypeOptions: true,
  });
}
