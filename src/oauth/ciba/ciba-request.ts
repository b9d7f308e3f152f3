import type { AuthMethod } from '../../proofs/proof-vocabulary';
import type { AcrValue } from '../../protocol-rules/acr';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import type { PolledAuthorizationState } from '../polling/polled-authorization-state';

export { CIBA_GRANT_TYPE } from '../../protocol-rules/grant-types';

/** CIBA Core 1.0 §5: the token delivery modes a client may register; push is not offered. */
export { CIBA_DELIVERY_MODES } from '../../protocol-rules/ciba-delivery';

/** CIBA Core 1.0 §7.1 `binding_message`: short enough to show on a phone, plain text. */
export const MAX_BINDING_MESSAGE_LENGTH = 64;

/** How many pending requests /account/approvals lists (the newest). */
export const MAX_LISTED_APPROVALS = 20;

/**
 * The approving person's sign-in, written into the request when they approve it: what the token
 * endpoint opens the grant with (as a device code carries it).
 */
export interface CibaApproval {
  sub: string;
  authMethod: AuthMethod;
  methodKey?: string;
  amr?: string[];
  /** The `acr` the approval achieved (never `phr` for a click in a session). */
  acr?: string;
  /** OpenID Connect `auth_time` of the approving sign-in, seconds since the epoch. */
  authTime: number;
  /** The login session's `sid`: its logout reaches the grant (Back-Channel Logout 1.0). */
  sid?: string;
  /** When the person answered, seconds since the epoch. */
  approvedAt: number;
  /**
   * Set when a proof over the request approved it (issue #51): the `approval` claim's `method`
   * (`passkey`, a wallet chain's namespace), `hash` (BASE64URL(SHA-256) of the request's RFC 8785
   * canonical JSON) and `time` (seconds since the epoch). Flat: the store's compare-and-set sets
   * plain fields.
   */
  approvalMethod?: string;
  approvalHash?: string;
  approvalTime?: number;
}

/**
 * The `ciba_request` challenge's payload: the request as the client made it, and the state it
 * polls (PolledAuthorizationState, changed by compare-and-set only).
 */
export interface CibaRequestPayload extends PolledAuthorizationState, Partial<CibaApproval> {
  scope: string;
  /** RFC 8707: the resource the tokens will be for. */
  resource: string;
  bindingMessage?: string;
  /** RFC 9396, checked against the operator's types at the request. */
  authorizationDetails?: AuthorizationDetail[];
  /**
   * RFC 9470: the `acr` the request's scope or resource needs (ACR_REQUIRED_BY_*) beyond a sign-in:
   * `phr`, which only a passkey's proof over the request achieves.
   */
  requiredAcr?: AcrValue;
  /**
   * A ping client's (CIBA Core 1.0 §10.2): its endpoint, the auth_req_id and its
   * `client_notification_token`, sealed (CibaNotificationSeal): the ping sent once the person
   * answers needs the id this store keeps only the hash of, and the client's bearer token.
   */
  ping?: string;
}

/**
 * The `ciba_request` challenge's binding: redeemed only by its client, listed only on its
 * account's approvals page. A request whose `login_hint` named nobody (or a locked account) has no
 * `account`: it stays pending until it expires, and nobody can answer it. `asked` is the SHA-256
 * of whom it asks (the account, else the name the hint gave), for an account and for nobody
 * alike: its client's pending requests for that person are counted by it
 * (CIBA_MAX_PENDING_PER_CLIENT).
 */
export interface CibaRequestBinding {
  client_id: string;
  account?: string;
  asked: string;
  [field: string]: string | undefined;
}
