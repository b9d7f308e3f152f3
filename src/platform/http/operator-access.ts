import type { AppConfig } from '../../config/app-config';
import { constantTimeEqual } from '../crypto/hashing';
import { InvalidToken, NotFound } from '../errors/protocol-error';

/**
 * Who may read an operator view (/metrics, /docs): anyone while it is enabled; otherwise only a
 * request with `Authorization: Bearer <ADMIN_TOKEN>`, and nobody when no ADMIN_TOKEN is set (the
 * view is then simply not there). Throws the error to answer with.
 */
export function assertOperatorAccess(
  config: Pick<AppConfig, 'adminToken'>,
  enabled: boolean,
  authorization: string | undefined,
  /** What the refusal names: an operator view, or an operator action such as a lab run. */
  what = 'this operator view',
): void {
  if (enabled) return;
  const expected = config.adminToken;
  if (!expected) throw new NotFound(`${capitalized(what)} is not served on this instance`);
  const presented = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (!presented || !constantTimeEqual(presented, expected)) {
    throw new InvalidToken(`An admin token is required for ${what}`);
  }
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
