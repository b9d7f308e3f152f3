import { ProtocolError } from '../platform/errors/protocol-error';

/**
 * WebAuthn ceremony failures (WebAuthn Level 3 §7.1 registration, §7.2 authentication), one
 * class per `error` code. Descriptions reach the client: they never quote a challenge, a
 * signature or clientDataJSON.
 */
export { InvalidRequest } from '../platform/errors/protocol-error';

/** The challenge is unknown, expired, or of the other ceremony. */
export class InvalidChallenge extends ProtocolError {
  readonly error = 'invalid_challenge';
  readonly status = 401;
}

/** The challenge was redeemed before: a replayed response. */
export class ChallengeAlreadyUsed extends ProtocolError {
  readonly error = 'challenge_already_used';
  readonly status = 401;
}

/** clientDataJSON `origin` is not one of WEBAUTHN_ORIGINS (a phishing site's, say). */
export class OriginMismatch extends ProtocolError {
  readonly error = 'origin_mismatch';
  readonly status = 401;
}

/** authenticatorData's RP ID hash is not that of this service's RP ID. */
export class RpIdMismatch extends ProtocolError {
  readonly error = 'rp_id_mismatch';
  readonly status = 401;
}

/** The authenticator did not set the user-present (UP) flag. */
export class UserNotPresent extends ProtocolError {
  readonly error = 'user_not_present';
  readonly status = 401;
}

/** No account holds a passkey with this credential id. */
export class UnknownCredential extends ProtocolError {
  readonly error = 'unknown_credential';
  readonly status = 401;
}

/** The signature, or another part of the response, does not verify. */
export class InvalidCredentialResponse extends ProtocolError {
  readonly error = 'invalid_credential_response';
  readonly status = 401;
}

/**
 * WebAuthn Level 3 §7.2 step 22: the signature counter did not move forward, a sign that the
 * authenticator may have been cloned.
 */
export class CounterRegression extends ProtocolError {
  readonly error = 'counter_regression';
  readonly status = 401;
}

/**
 * A registration's attestation statement does not verify (WebAuthn Level 3 §7.1 step 21): its
 * signature, certificate or format is wrong. The challenge is spent.
 */
export class InvalidAttestation extends ProtocolError {
  readonly error = 'invalid_attestation';
  readonly status = 400;
}

/**
 * A registration this deployment's policy refuses for what its attestation shows (§7.1 step 23):
 * not hardware-bound under PASSKEY_REQUIRE_HARDWARE, a model outside PASSKEY_ALLOWED_AAGUIDS, or
 * one the FIDO metadata reports compromised. The description names why.
 */
export class UntrustedAttestation extends ProtocolError {
  readonly error = 'untrusted_attestation';
  readonly status = 400;
}

/** The 401 `error` codes of a refused ceremony, either kind (OpenAPI descriptions). */
export const CEREMONY_REFUSALS =
  'invalid_challenge, challenge_already_used, origin_mismatch, rp_id_mismatch, user_not_present, invalid_credential_response';

/** The 401 `error` codes of a refused sign-in assertion (POST /passkeys/authentication/verify, POST /login/passkey). */
export const ASSERTION_REFUSALS = `${CEREMONY_REFUSALS}, unknown_credential, counter_regression`;
