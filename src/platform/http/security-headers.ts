import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRequest, HttpResponse } from './http-exchange';
import type { RequestStep } from './in-sequence';
import helmet from 'helmet';

/** helmet's middleware, a Connect-style `(req, res, next)` over Node's request and response. */
type HeaderPolicy = ReturnType<typeof helmet>;

/**
 * Security headers for every response, built on helmet, and a Permissions-Policy. The CSP allows
 * only our own scripts, styles and connections, so the server-rendered pages carry no inline
 * script or style.
 *
 * Nothing in this policy depends on the request (no CSP nonce), so helmet runs once, at start-up,
 * and each response gets the headers it wrote then: the same names and values, without building
 * the CSP text and walking helmet's thirteen steps for every request.
 */
export function securityHeaders(): RequestStep<HttpRequest, HttpResponse> {
  const { set, removed } = headersWrittenBy(securityHeaderPolicy());
  return (_req, res, next) => {
    for (const [name, value] of set) res.header(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

/** What a middleware does to a response's headers, run once against a blank one. */
function headersWrittenBy(middleware: HeaderPolicy): {
  set: ReadonlyArray<readonly [string, string | number | readonly string[]]>;
  removed: readonly string[];
} {
  const set: Array<readonly [string, string | number | readonly string[]]> = [];
  const removed: string[] = [];
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.push([name, value]);
      return res;
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let finished = false;
  void middleware({} as IncomingMessage, res as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error instanceof Error ? error : new Error('helmet refused its own policy');
    finished = true;
  });
  // helmet is synchronous; a future version that is not would leave responses without headers.
  if (!finished) throw new Error('helmet did not finish synchronously');
  return { set, removed };
}

/**
 * The Content-Security-Policy's directives, spelled out in full rather than merged with helmet's
 * defaults, so the policy reads here.
 */
const CSP_DIRECTIVES = {
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
} as const;

/** What `contentSecurityPolicyWithImagesFrom` wrote for each list of origins (the config's). */
const policiesWithImages = new Map<string, string>();

/**
 * The Content-Security-Policy of every page, with images also allowed from `origins` (https
 * origins the operator configured, CONSENT_LOGO_ORIGINS): the header value a page that shows an
 * image from one of them sends instead of the common one. Written by helmet as the common one is.
 */
export function contentSecurityPolicyWithImagesFrom(origins: readonly string[]): string {
  const key = origins.join(' ');
  const known = policiesWithImages.get(key);
  if (known !== undefined) return known;
  const policy = helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: { ...CSP_DIRECTIVES, imgSrc: [...CSP_DIRECTIVES.imgSrc, ...origins] },
  });
  const header = headersWrittenBy(policy).set.find(
    ([name]) => name.toLowerCase() === 'content-security-policy',
  );
  if (header === undefined) throw new Error('helmet wrote no Content-Security-Policy');
  const value = String(header[1]);
  policiesWithImages.set(key, value);
  return value;
}

/**
 * Powerful browser features no page of ours uses, turned off for the pages and anything they
 * could embed (`Permissions-Policy`): an injected script, or a wallet extension's page script,
 * gets no camera, microphone, location, payment or device access from our origin. WebAuthn's
 * `publickey-credentials-get` and `-create` keep their default (`self`): the passkey pages use
 * them. Each is a feature Chromium knows: an unknown one is a console warning on every page
 * (`bluetooth` is one, in Chromium 147), and browser-passkeys.e2e-spec.ts asks the page for each.
 */
export const DISABLED_FEATURES = [
  'accelerometer',
  'autoplay',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
] as const;

const PERMISSIONS_POLICY = DISABLED_FEATURES.map((feature) => `${feature}=()`).join(', ');

/**
 * The policy as one middleware: helmet's (CSP, HSTS, framing, referrer, sniffing) and the
 * Permissions-Policy, which helmet does not write (`securityHeaders` replays what it writes).
 */
export function securityHeaderPolicy(): HeaderPolicy {
  const helmetPolicy = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    // The CSP's frame-ancestors supersedes it; X-Frame-Options covers browsers without CSP2.
    xFrameOptions: { action: 'deny' },
    // Authorization requests and redirects carry state and codes in URLs: never leak them.
    referrerPolicy: { policy: 'no-referrer' },
    xContentTypeOptions: true,
  });
  return (req, res, next) =>
    helmetPolicy(req, res, (error?: unknown) => {
      if (error === undefined) res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
      next(error);
    });
}
