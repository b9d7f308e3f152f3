import { type HttpRequest, type HttpResponse, requestPath, varyOn } from './http-exchange';
import type { RequestStep } from './in-sequence';

type Next = (error?: unknown) => void;

/** Who may call a path from another origin, and with which methods. */
export interface CorsRule {
  readonly methods: readonly string[];
  /** Request headers beyond the CORS-safelisted ones that a caller may send. */
  readonly headers: readonly string[];
  /** `any`: a public document (`*`); otherwise whether this origin may call. */
  readonly origins: 'any' | ((origin: string) => Promise<boolean>);
}

/**
 * Beyond the CORS-safelisted ones: the error and back-off hints of 401, 429 and 503 answers, and
 * the server nonce a DPoP client must use next (RFC 9449 §8 `DPoP-Nonce`).
 */
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After, DPoP-Nonce';
/** How long a browser may reuse an allowed preflight (Chromium caps it at 2 hours anyway). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS (Fetch standard) for the paths `ruleFor` names; every other path gets no CORS header,
 * so browsers keep them same-origin. `Access-Control-Allow-Credentials` is never sent: callers
 * authenticate with an Authorization header or a form parameter, never with cookies.
 */
export function crossOriginRequests(
  ruleFor: (path: string) => CorsRule | undefined,
): RequestStep<HttpRequest, HttpResponse> {
  return (req, res, next) => {
    const rule = ruleFor(requestPath(req));
    if (!rule) {
      next();
      return;
    }
    answer(rule, req, res, next).catch(next);
  };
}

async function answer(rule: CorsRule, req: HttpRequest, res: HttpResponse, next: Next) {
  const origin = req.headers.origin;
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'];
  if (rule.origins !== 'any') varyOn(res, 'Origin');
  const allowed = origin !== undefined && (rule.origins === 'any' || (await rule.origins(origin)));
  if (allowed) {
    res.header('Access-Control-Allow-Origin', rule.origins === 'any' ? '*' : origin);
  }
  if (!preflight) {
    if (allowed) res.header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    next();
    return;
  }
  // A refused preflight is answered all the same, without the headers that would allow the call.
  if (allowed) {
    res.header('Access-Control-Allow-Methods', rule.methods.join(', '));
    res.header('Access-Control-Allow-Headers', rule.headers.join(', '));
    res.header('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
  }
  void res.code(204).send();
}
