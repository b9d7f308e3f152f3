import { createHash } from 'node:crypto';
import type { TypedDataDefinition } from 'viem';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import type { StoredChallenge } from '../../challenges/challenge';
import { canonicalJson } from '../authorization-details/canonical-hash';
import type { CibaRequestPayload } from './ciba-request';

/**
 * What a person's proof approves (issue #51): the request exactly as the client made it. Its
 * hash is the SHA-256 of the RFC 8785 canonical JSON of these members (an absent resource,
 * binding message or details left out, never `null`): the same request always hashes the same,
 * and any other client, scope, resource, detail or message does not.
 */
export interface ApprovedRequest {
  readonly client_id: string;
  readonly scope: string;
  /**
   * RFC 8707: the server the tokens are for (their `aud`), when it is not Proofgate's own API:
   * the person approves access at that server, so it is shown and signed.
   */
  readonly resource?: string;
  readonly authorization_details?: readonly AuthorizationDetail[];
  readonly binding_message?: string;
}

/**
 * The request as the client made it, the members its hash covers; `ownApi` is Proofgate's own
 * API (TOKEN_AUDIENCE), the resource a request names by naming none.
 */
export function approvedRequestOf(
  request: StoredChallenge<CibaRequestPayload>,
  ownApi: string,
): ApprovedRequest {
  const { scope, resource, authorizationDetails, bindingMessage } = request.payload;
  return {
    client_id: request.binding.client_id,
    scope,
    ...(resource === ownApi ? {} : { resource }),
    ...(authorizationDetails === undefined ? {} : { authorization_details: authorizationDetails }),
    ...(bindingMessage === undefined ? {} : { binding_message: bindingMessage }),
  };
}

/** SHA-256 of the request's RFC 8785 canonical JSON, as bytes. */
export function approvedRequestDigest(request: ApprovedRequest): Buffer {
  const { client_id, scope, resource, authorization_details, binding_message } = request;
  const members = {
    client_id,
    scope,
    ...(resource === undefined ? {} : { resource }),
    ...(authorization_details === undefined ? {} : { authorization_details }),
    ...(binding_message === undefined ? {} : { binding_message }),
  };
  return createHash('sha256').update(canonicalJson(members), 'utf8').digest();
}

/** BASE64URL(SHA-256) of the request's canonical JSON: the `approval` claim's `hash`. */
export function approvedRequestHash(request: ApprovedRequest): string {
  return approvedRequestDigest(request).toString('base64url');
}

/** 0x-hex SHA-256 of the details' canonical JSON (`[]` when there are none): EIP-712 `bytes32`. */
export function detailsDigestHex(
  details: readonly AuthorizationDetail[] | undefined,
): `0x${string}` {
  const digest = createHash('sha256')
    .update(canonicalJson(details ?? []), 'utf8')
    .digest('hex');
  return `0x${digest}`;
}

/**
 * A WebAuthn challenge bound to the request: its 32-byte digest, then the challenge's fresh
 * nonce (so two identical requests, or two challenges of one, never share a challenge), base64url.
 * The authenticator signs it inside clientDataJSON.
 */
export function passkeyApprovalChallenge(request: ApprovedRequest, nonce: Buffer): string {
  return Buffer.concat([approvedRequestDigest(request), nonce]).toString('base64url');
}

/** What a wallet is shown and signs, besides the request: who asks, and this challenge's own. */
export interface ApprovalStatementContext {
  /** This server (ISSUER): whom the signature is for. */
  readonly issuer: string;
  /** The client's name as the approvals page shows it. */
  readonly clientName: string;
  /** Each authorization detail as its type's template reads. */
  readonly rendered: readonly string[];
  /** The challenge's fresh nonce (alphanumeric). */
  readonly nonce: string;
  /** RFC 3339, when the challenge was issued. */
  readonly issuedAt: string;
}

/** EIP-712's primary type of an approval, and its fields: each shown by a wallet as it is. */
export const APPROVAL_TYPES = {
  Approval: [
    { name: 'issuer', type: 'string' },
    { name: 'client', type: 'string' },
    { name: 'clientId', type: 'string' },
    { name: 'bindingMessage', type: 'string' },
    { name: 'scope', type: 'string' },
    { name: 'resource', type: 'string' },
    { name: 'details', type: 'string[]' },
    { name: 'detailsHash', type: 'bytes32' },
    { name: 'requestHash', type: 'bytes32' },
    { name: 'nonce', type: 'string' },
    { name: 'issuedAt', type: 'string' },
  ],
} as const;

/** EIP-712 domain name of an approval. */
export const APPROVAL_DOMAIN_NAME = 'Proofgate approval';

export type ApprovalTypedData = TypedDataDefinition<typeof APPROVAL_TYPES, 'Approval'>;

/**
 * The EIP-712 typed data an Ethereum wallet signs to approve `request` (issue #51): the client,
 * the binding message, the resource and the details as readable fields (each rendered by its template), the
 * details' and the whole request's SHA-256 as `bytes32`, and the challenge's nonce. Its domain
 * names the chain the wallet signs on, so the signature is for that account only.
 */
export function approvalTypedData(
  request: ApprovedRequest,
  context: ApprovalStatementContext,
  chainId: number,
): ApprovalTypedData {
  return {
    domain: { name: APPROVAL_DOMAIN_NAME, version: '1', chainId },
    types: APPROVAL_TYPES,
    primaryType: 'Approval',
    message: {
      issuer: context.issuer,
      client: context.clientName,
      clientId: request.client_id,
      bindingMessage: request.binding_message ?? '',
      scope: request.scope,
      // Empty: Proofgate's own API, as an empty binding message is none.
      resource: request.resource ?? '',
      details: [...context.rendered],
      detailsHash: detailsDigestHex(request.authorization_details),
      requestHash: `0x${approvedRequestDigest(request).toString('hex')}`,
      nonce: context.nonce,
      issuedAt: context.issuedAt,
    },
  };
}

/**
 * The text a Solana or Bitcoin wallet signs to approve `request`: the same content as the typed
 * data, one field a line (a wallet shows it as it is).
 */
export function approvalMessage(
  request: ApprovedRequest,
  context: ApprovalStatementContext,
): string {
  // One line each: a detail's value cannot break the text into lines of its own making.
  const details = context.rendered.map((text) => `- ${text.replace(/\p{Cc}/gu, ' ')}`);
  return [
    `${context.issuer} asks you to approve a request of ${context.clientName} (${request.client_id}):`,
    ...(request.binding_message === undefined ? [] : [`Message: ${request.binding_message}`]),
    `Scope: ${request.scope}`,
    ...(request.resource === undefined ? [] : [`Resource: ${request.resource}`]),
    ...(details.length === 0 ? [] : ['Details:', ...details]),
    `Details hash: ${detailsDigestHex(request.authorization_details)}`,
    `Request hash: ${approvedRequestHash(request)}`,
    `Nonce: ${context.nonce}`,
    `Issued At: ${context.issuedAt}`,
  ].join('\n');
}
