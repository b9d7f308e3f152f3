import type { ProtocolError } from '../platform/errors/protocol-error';
import {
  InvalidChallenge,
  InvalidCredentialResponse,
  InvalidRequest,
  OriginMismatch,
  RpIdMismatch,
  UserNotPresent,
} from './passkey.errors';

/**
 * @simplewebauthn/server reports a refused response as a plain Error whose message names the
 * check. The checks this service tells apart, in WebAuthn Level 3 §7.2's order; anything else
 * is an invalid response. The library's text never reaches the client: it may quote the origin
 * or the challenge.
 */
const REFUSALS: ReadonlyArray<readonly [RegExp, () => ProtocolError]> = [
  [
    /response type/i,
    () =>
      new InvalidChallenge('The response belongs to the other WebAuthn ceremony').because(
        'wrong_ceremony',
      ),
  ],
  [
    /was not a string|was not an object|missing response|credential type|base64url|Missing credential ID|tokenBinding/i,
    () =>
      new InvalidRequest('The response is not a well-formed WebAuthn credential response').because(
        'malformed_response',
      ),
  ],
  [
    /origin/i,
    () =>
      new OriginMismatch('The response comes from an origin this service does not accept').because(
        'origin_mismatch',
      ),
  ],
  [
    /RP ID hash/i,
    () =>
      new RpIdMismatch('The credential is scoped to another relying party (RP ID)').because(
        'rp_id_mismatch',
      ),
  ],
  [
    /User not present|user was not present/i,
    () =>
      new UserNotPresent('The authenticator did not confirm the user was present').because(
        'user_not_present',
      ),
  ],
];

export function refusalOf(error: unknown): ProtocolError {
  const message = error instanceof Error ? error.message : '';
  for (const [pattern, refusal] of REFUSALS) if (pattern.test(message)) return refusal();
  return new InvalidCredentialResponse('The credential response does not verify').because(
    'invalid_signature',
  );
}
