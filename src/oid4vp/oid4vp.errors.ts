import { ProtocolError } from '../platform/errors/protocol-error';

/**
 * The checks a presentation is put through at the response URI, cheapest first (OpenID4VP 1.0
 * §8.6, RFC 9901 §7.1 and §7.3, SD-JWT VC §3.2.2): the name of the one that failed is said in the
 * answer and counted as the refusal's reason. None of them says anything of the credential's
 * contents.
 */
export const PRESENTATION_CHECKS = [
  'issuer_not_trusted',
  'signature',
  'vct',
  'expired',
  'revoked',
  'disclosure',
  'key_binding',
  'nonce',
  'audience',
  'iat',
  'sd_hash',
  'query',
] as const;
export type PresentationCheck = (typeof PRESENTATION_CHECKS)[number];

const TEXTS: Readonly<Record<PresentationCheck, string>> = {
  issuer_not_trusted: 'issuer not trusted: the credential’s issuer is not in the trust list',
  signature: 'signature: the issuer’s signature over the credential does not verify',
  vct: 'vct: this credential type is not accepted from this issuer',
  expired: 'expired: the credential is expired or not yet valid',
  revoked:
    'revoked: the credential’s status list entry says it is not valid, or the list could not be checked',
  disclosure: 'disclosure: a disclosure does not hash to a digest the issuer signed',
  key_binding:
    'key binding: the key-binding JWT is missing or not signed by the credential’s cnf key',
  nonce: 'nonce: the key-binding JWT does not carry this request’s nonce',
  audience: 'audience: the key-binding JWT’s aud is not this verifier’s client_id',
  iat: 'iat: the key-binding JWT was not made just now',
  sd_hash: 'sd_hash: the key-binding JWT does not cover the presented SD-JWT',
  query: 'query: the presentation does not answer the DCQL query (a claim it needs is missing)',
};

/** OpenID4VP 1.0 §8.5: a response the verifier refuses; the failed check named. */
export class InvalidPresentation extends ProtocolError {
  readonly error = 'invalid_presentation';
  readonly status = 400;

  constructor(readonly check: PresentationCheck) {
    super(`The presentation was refused: ${TEXTS[check]}`);
    this.reason = check;
  }
}

/** A poll or redemption of a request its caller cannot see: one text for every such case. */
export const NO_SUCH_REQUEST =
  'No such presentation request (unknown, expired or already completed)';

/**
 * A script's request (`POST /oid4vp/requests { client_id }`) for a client that is not the
 * operator's own public client: it authenticates no client and shows no consent screen.
 */
export const SCRIPT_CLIENTS_ONLY =
  'client_id must be a first-party public client: a script’s request authenticates no client and shows no consent screen; other clients send the person to /authorize';

/** The account page's request answered with a credential that signs in another account. */
export const CREDENTIAL_LINKED_ELSEWHERE =
  'This identity credential is already linked to another account';

/**
 * The account page's request, its wallet's redirect opened by a browser not signed in (recently,
 * on this device) to the account that asked: nothing is linked, and the request ends.
 */
export const LINK_NEEDS_ITS_ACCOUNT =
  'Not linked: this browser is not signed in to the account that asked to link this credential. If that account is yours, sign in to it here and link again from its account page; if not, someone else asked, and nothing was linked';
