import type { ApiHeaderOptions, ApiParamOptions } from '@nestjs/swagger';

/** The OpenAPI words the admin API's routes share. */
export const IF_MATCH: ApiHeaderOptions = {
  name: 'If-Match',
  required: true,
  description:
    'The ETag of the resource as read (428 precondition_required without it, 412 precondition_failed for another version)',
  example: '"3Jc2m0PfcHqQn4Zt2m1o0e8nYcVd1Gk"',
};

/** The challenge of a refused call (RFC 6750 §3), naming the API's metadata (RFC 9728 §5.1). */
export const ADMIN_CHALLENGE =
  'Bearer (DPoP for a DPoP-bound token) with resource_metadata="<ISSUER>/.well-known/oauth-protected-resource/admin/v1", ' +
  'where the audience of admin tokens and the admin scopes are listed';

export const CLIENT_ID: ApiParamOptions = { name: 'clientId', example: 'nightly-sync' };
export const USERNAME: ApiParamOptions = { name: 'username', example: 'alice' };
export const SESSION_ID: ApiParamOptions = { name: 'sid', example: 'Xz3k9VbQm2n8bX4lKf0aAw' };
export const OUTBOX: ApiParamOptions = {
  name: 'outbox',
  description: 'logout (back-channel logout tokens), mail, or ciba (CIBA notifications)',
  schema: { type: 'string', enum: ['logout', 'mail', 'ciba'], example: 'logout' },
};
export const OUTBOX_ROW_ID: ApiParamOptions = {
  name: 'id',
  description: "The row's id, as the outbox's list shows it",
  example: 'pX2m0nQ8bX4lKf0aAwZ3kA',
};
export const GRANT_ID: ApiParamOptions = { name: 'grantId', example: 'q3Yc0n1oQm2n8bX4lKf0aA' };
export const ACCOUNT: ApiParamOptions = {
  name: 'account',
  description: 'A username, a subject, or a method key (a CAIP-10 wallet, passkey:…, email:…)',
  example: 'alice',
};
export const METHOD: ApiParamOptions = {
  name: 'method',
  description: 'The method key, as the account lists it',
  example: 'eip155:1:0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266',
};
