import type { onSendHookHandler } from 'fastify';

/**
 * The challenge of a `401` that refuses a proof the request's body carries (a wallet's signature,
 * a passkey's assertion, an email code, a password) or a login session it lacks. RFC 9110
 * §15.5.2 requires a `WWW-Authenticate` challenge of every `401`, and no registered HTTP
 * authentication scheme carries these proofs, so the scheme is this service's own. Browsers do
 * not prompt for a scheme they do not know: they show the answer as it is.
 */
export const PROOF_CHALLENGE = 'Proofgate-Proof realm="proofgate"';

/**
 * Gives every `401` that names no challenge of its own (a token refusal names `Bearer` or
 * `DPoP`, a client's `Basic`) the proof challenge. As a Fastify onSend hook, so that no route's
 * way of answering (the error envelope, a page, its own JSON) can send a `401` without one.
 */
export function challengeEveryUnauthorized(): onSendHookHandler<unknown> {
  return (_req, res, payload, done) => {
    if (res.statusCode === 401 && !res.hasHeader('www-authenticate')) {
      res.header('WWW-Authenticate', PROOF_CHALLENGE);
    }
    done(null, payload);
  };
}
