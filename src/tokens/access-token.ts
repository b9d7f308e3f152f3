import type { AuthMethod } from '../proofs/proof-vocabulary';
import type { AuthorizationDetail } from '../protocol-rules/authorization-details';

/** RFC 9068 §2.1: the `typ` header of a JWT access token. */
export const ACCESS_TOKEN_TYP = 'at+jwt';

/** Claims this service sets itself; `extra` may not override them. */
export const REGISTERED_CLAIMS: ReadonlySet<string> = new Set([
  // RFC 7519 §4.1
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  // RFC 9068 §2.2 and RFC 8693 §4
  'client_id',
  'scope',
  'auth_time',
  'acr',
  'amr',
  'act',
  'may_act',
  'cnf',
  // Proofgate
  'auth_method',
  'gid',
  // RFC 9396 §9.1
  'authorization_details',
  // Proofgate (issue #51): a CIBA request approved by a proof over it
  'approval',
]);

/**
 * A backchannel request approved by a proof over it (issue #51): how (`passkey`, a wallet chain's
 * CAIP-2 namespace), over which request (`hash`: BASE64URL(SHA-256) of its RFC 8785 canonical
 * JSON: client_id, scope, resource, authorization_details, binding_message) and when (seconds
 * since the epoch).
 */
export interface ApprovalClaim {
  method: string;
  hash: string;
  time: number;
}

/** The `approval` claim read back: undefined when absent, null when malformed. */
export function approvalClaimOf(value: unknown): ApprovalClaim | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) return null;
  const { method, hash, time } = value as Record<string, unknown>;
  return typeof method === 'string' && typeof hash === 'string' && typeof time === 'number'
    ? { method, hash, time }
    : null;
}

/**
 * RFC 8693 §4.1 `act`: the party acting for the subject (a client that exchanged a token, by its
 * `client_id`), and, nested, the actors before it, most recent outermost.
 */
export interface Actor {
  sub: string;
  act?: Actor;
}

/** How deep an `act` chain is read back; a longer one makes the token invalid. */
export const MAX_ACTOR_DEPTH = 8;

export interface SignAccessTokenInput {
  /** RFC 8707 / RFC 9068 §3: the resource the token is for; default ACCESS_TOKEN_AUDIENCE. */
  audience?: string;
  sub: string;
  clientId: string;
  /** Space-separated scope values (RFC 6749 §3.3). */
  scope: string;
  /** How the user logged in; absent on a client's own token (client_credentials: no user). */
  authMethod?: AuthMethod;
  /** The grant (refresh-token family) the token was issued under, for revocation. */
  grantId: string;
  /**
   * RFC 9068 §2.2.1 `auth_time`: when the user logged in, seconds since the epoch. Lets a
   * resource ask for a recent login (RFC 9470 `max_age`); absent on grants from before it.
   */
  authTime?: number;
  /** RFC 9068 §2.2.1 `acr` of that login (`phr`), when it achieved one. */
  acr?: string;
  /** Further string claims; a registered claim name here is a programming error. */
  extra?: Record<string, string>;
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to (`cnf.jkt`). */
  jkt?: string;
  /** RFC 8693 §4.1: who acts for the subject (a token exchange's client). */
  act?: Actor;
  /**
   * The latest `exp` the token may have (seconds since the epoch): a token made from another
   * (a token exchange) never outlives it. Absent: the configured lifetime.
   */
  notAfter?: number;
  /** RFC 9396 §9.1: the authorization details granted, in the token as `authorization_details`. */
  authorizationDetails?: readonly AuthorizationDetail[];
  /** See ApprovalClaim. */
  approval?: ApprovalClaim;
}

export interface SignedAccessToken {
  token: string;
  jti: string;
  expiresAt: Date;
  /** Seconds, for the token response's `expires_in`. */
  expiresIn: number;
}

/** A verified access token's claims (RFC 9068 §2.2), as the token carries them. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  exp: number;
  iat: number;
  jti: string;
  /**
   * How the user logged in. Absent: the token names no user, its `sub` is the client itself
   * (RFC 6749 §4.4 client_credentials; RFC 9068 §2.2 `sub` = `client_id`).
   */
  auth_method?: AuthMethod;
  gid: string;
  /** RFC 9068 §2.2.1: when the user logged in (seconds), if the token says. */
  auth_time?: number;
  /** RFC 9068 §2.2.1: the login's authentication context class (`phr`), if the token says. */
  acr?: string;
  /** RFC 9449 §6.1: a DPoP-bound token's key thumbprint; absent on a bearer token. */
  cnf?: { jkt: string };
  /** RFC 8693 §4.1: the acting party of an exchanged token, and the actors before it. */
  act?: Actor;
  /** RFC 9396 §9.1: the authorization details the token grants, when it grants any. */
  authorization_details?: AuthorizationDetail[];
  /** See ApprovalClaim. */
  approval?: ApprovalClaim;
  /** The string claims the token carries beyond the registered ones. */
  extra: Record<string, string>;
}

/**
 * The prefix of a user's subject a trusted issuer vouched for (the JWT-bearer grant's ID-JAG):
 * `jwt:<issuer hash>:<sub>`, never a local account's id. A token with such a subject has no
 * local login method, as a client's own token has none.
 */
export const FEDERATED_SUBJECT_PREFIX = 'jwt:';

/**
 * The prefix of a workload's subject a trusted issuer vouched for (the JWT-bearer grant's
 * workload JWT): `wl:<issuer hash>:<sub>`, never a user's (`jwt:…`) nor a local account's id.
 * Its token is a client's own kind: no user, no account, no login method.
 */
export const WORKLOAD_SUBJECT_PREFIX = 'wl:';

/** A user a trusted issuer vouched for (an ID-JAG's), not a local account. */
export function isFederatedSubject(sub: string): boolean {
  return sub.startsWith(FEDERATED_SUBJECT_PREFIX);
}

/** A workload a trusted issuer vouched for (a workload JWT's): no user at all. */
export function isWorkloadSubject(sub: string): boolean {
  return sub.startsWith(WORKLOAD_SUBJECT_PREFIX);
}
