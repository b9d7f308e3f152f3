import type { JWTPayload } from 'jose';

/**
 * A backchannel (CIBA) request approved by a proof over it: how (`passkey`, a wallet chain's
 * CAIP-2 namespace), over which request (`hash`: BASE64URL(SHA-256) of its RFC 8785 canonical
 * JSON) and when (seconds since the epoch).
 */
export interface ApprovalClaim {
  method: string;
  hash: string;
  time: number;
}

/** RFC 9396 §2: one authorization detail; `type` and whatever that type defines. */
export interface AuthorizationDetail {
  type: string;
  [field: string]: unknown;
}

/** A verified access token's claims (RFC 9068 §2.2), as the handler reads them. */
export interface VerifiedClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  exp: number;
  iat?: number;
  jti?: string;
  client_id?: string;
  /** The token's scope, space-separated as RFC 6749 §3.3 writes it ('' when it has none). */
  scope: string;
  /** The same, one value each. */
  scopes: string[];
  /** RFC 9068 §2.2.1: when the user signed in (seconds since the epoch). */
  auth_time?: number;
  /** RFC 9068 §2.2.1: the sign-in's authentication context class. */
  acr?: string;
  /** Proofgate: how the user signed in; absent on a client's own token. */
  auth_method?: string;
  /** RFC 9449 §6.1: the DPoP key a bound token is bound to. */
  cnf?: { jkt: string };
  /** RFC 8693 §4.1: who acts for the subject. */
  act?: { sub: string; [claim: string]: unknown };
  /** RFC 9396 §9.1: the authorization details the token grants. */
  authorization_details?: AuthorizationDetail[];
  /** The approval of a CIBA request by a proof over it (see ApprovalClaim). */
  approval?: ApprovalClaim;
  /** Every claim of the token, as it carries them. */
  payload: JWTPayload;
}

/** The token's claims, or the name of the first claim that is not what RFC 9068 says it is. */
export function claimsOf(payload: JWTPayload): VerifiedClaims | { malformed: string } {
  const { iss, sub, aud, exp, iat, jti, client_id, scope, auth_time, acr, auth_method } = payload;
  const { cnf, act, authorization_details, approval } = payload as Record<string, unknown>;
  if (typeof iss !== 'string') return { malformed: 'iss' };
  if (typeof sub !== 'string') return { malformed: 'sub' };
  if (typeof aud !== 'string' && !Array.isArray(aud)) return { malformed: 'aud' };
  if (typeof exp !== 'number') return { malformed: 'exp' };
  if (scope !== undefined && typeof scope !== 'string') return { malformed: 'scope' };
  if (auth_time !== undefined && typeof auth_time !== 'number') return { malformed: 'auth_time' };
  if (acr !== undefined && typeof acr !== 'string') return { malformed: 'acr' };
  if (client_id !== undefined && typeof client_id !== 'string') return { malformed: 'client_id' };
  if (cnf !== undefined && !isConfirmation(cnf)) return { malformed: 'cnf' };
  if (act !== undefined && !isActor(act)) return { malformed: 'act' };
  if (authorization_details !== undefined && !isDetails(authorization_details)) {
    return { malformed: 'authorization_details' };
  }
  if (approval !== undefined && !isApproval(approval)) return { malformed: 'approval' };
  const scopeText = scope ?? '';
  return {
    iss,
    sub,
    aud,
    exp,
    ...(typeof iat === 'number' ? { iat } : {}),
    ...(typeof jti === 'string' ? { jti } : {}),
    ...(client_id === undefined ? {} : { client_id }),
    scope: scopeText,
    scopes: scopeText.split(' ').filter((value) => value !== ''),
    ...(auth_time === undefined ? {} : { auth_time }),
    ...(acr === undefined ? {} : { acr }),
    ...(typeof auth_method === 'string' ? { auth_method } : {}),
    ...(cnf === undefined ? {} : { cnf }),
    ...(act === undefined ? {} : { act }),
    ...(authorization_details === undefined ? {} : { authorization_details }),
    ...(approval === undefined ? {} : { approval }),
    payload,
  };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isConfirmation(value: unknown): value is { jkt: string } {
  return isObject(value) && typeof value.jkt === 'string';
}

function isActor(value: unknown): value is { sub: string } {
  return isObject(value) && typeof value.sub === 'string';
}

function isDetails(value: unknown): value is AuthorizationDetail[] {
  return (
    Array.isArray(value) && value.every((item) => isObject(item) && typeof item.type === 'string')
  );
}

function isApproval(value: unknown): value is ApprovalClaim {
  return (
    isObject(value) &&
    typeof value.method === 'string' &&
    typeof value.hash === 'string' &&
    typeof value.time === 'number'
  );
}
