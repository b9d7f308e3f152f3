/**
 * The Security Event Tokens Proofgate transmits (issue #80): their event type URIs (CAEP 1.0 §3,
 * RISC 1.0 §2, SSF 1.0 §8.1.4), and how SSF names delivery (RFC 8935 push, RFC 8936 poll).
 */
import type { SigningAlg } from '../protocol-rules/signing-algs';

const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

export const SESSION_REVOKED = `${CAEP}session-revoked`;
export const CREDENTIAL_CHANGE = `${CAEP}credential-change`;
export const ASSURANCE_LEVEL_CHANGE = `${CAEP}assurance-level-change`;
export const TOKEN_CLAIMS_CHANGE = `${CAEP}token-claims-change`;
export const ACCOUNT_DISABLED = `${RISC}account-disabled`;
export const ACCOUNT_ENABLED = `${RISC}account-enabled`;
export const CREDENTIAL_COMPROMISE = `${RISC}credential-compromise`;
export const IDENTIFIER_CHANGED = `${RISC}identifier-changed`;
/** SSF 1.0 §8.1.4.1: sent on a receiver's request, whatever its stream asked for. */
export const VERIFICATION = 'https://schemas.openid.net/secevent/ssf/event-type/verification';

/**
 * What a stream may ask for (`events_supported`): the events this version queues. RISC
 * `account-purged` is not among them: Proofgate removes no account.
 */
export const SUPPORTED_EVENTS: readonly string[] = [
  SESSION_REVOKED,
  CREDENTIAL_CHANGE,
  ASSURANCE_LEVEL_CHANGE,
  TOKEN_CLAIMS_CHANGE,
  ACCOUNT_DISABLED,
  ACCOUNT_ENABLED,
  CREDENTIAL_COMPROMISE,
  IDENTIFIER_CHANGED,
];

/** SSF 1.0 §6.1.1: RFC 8935 push delivery; §6.1.2: RFC 8936 poll delivery. */
export const PUSH_DELIVERY = 'urn:ietf:rfc:8935';
export const POLL_DELIVERY = 'urn:ietf:rfc:8936';
export const DELIVERY_METHODS = [PUSH_DELIVERY, POLL_DELIVERY] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

/** RFC 8417 §2.3 (and RFC 8725 §3.11 explicit typing): the `typ` of every SET. */
export const SET_TYP = 'secevent+jwt';
/** CAEP Interoperability Profile 1.0 §2.6: the alg of every SET, whatever TOKEN_SIGNING_ALG is. */
export const SET_ALG = 'RS256' satisfies SigningAlg;
/** RFC 8935 §2: the media type of a pushed SET. */
export const SET_MEDIA_TYPE = 'application/secevent+jwt';

/**
 * SSF 1.0 §8.1.1: `events_delivered`, the requested events this transmitter supports (in the
 * order it lists them); none requested: none delivered.
 */
export function eventsDelivered(requested: readonly string[]): string[] {
  return SUPPORTED_EVENTS.filter((event) => requested.includes(event));
}
