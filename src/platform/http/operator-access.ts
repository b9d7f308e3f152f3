import { createHash, timingSafeEqual } from 'node:crypto';
import type { OperatorConfig } from '../../config/sections/operator.config';
import { InvalidToken, NotFound } from '../errors/protocol-error';

/**
 * `Authorization: Bearer <token>` (RFC 6750 §2.1) with the scheme in any case: RFC 7235 §2.1
 * makes the auth-scheme case-insensitive.
 */
const BEARER_CREDENTIALS = /^bearer +(\S+)$/i;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether `authorization` presents the admin token. The one check of ADMIN_TOKEN, whichever view
 * asks (/metrics, /docs, /challenge-models/live). Compared as SHA-256 digests in constant time,
 * so the time taken tells nothing about the token, not even its length.
 */
export function presentsAdminToken(
  operator: Pick<OperatorConfig, 'adminToken'>,
  authorization: string | undefined,
): boolean {
  const expected = operator.adminToken;
  const presented = BEARER_CREDENTIALS.exec(authorization ?? '')?.[1];
  if (expected === undefined || presented === undefined) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Who may read an operator view (/metrics, /docs): anyone while it is enabled; otherwise only a
 * request with `Authorization: Bearer <ADMIN_TOKEN>`, and nobody when no ADMIN_TOKEN is set (the
 * view is then simply not there). Throws the error to answer with.
 */
export function assertOperatorAccess(
  operator: Pick<OperatorConfig, 'adminToken'>,
  enabled: boolean,
  authorization: string | undefined,
  /** What the refusal names: an operator view, or an operator action such as a lab run. */
  what = 'this operator view',
): void {
  if (enabled) return;
  if (!operator.adminToken)
    throw new NotFound(`${capitalized(what)} is not served on this instance`);
  if (!presentsAdminToken(operator, authorization)) {
    throw new InvalidToken(`An admin token is required for ${what}`);
  }
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
