export { createResourceServer, type CheckRequest } from './create-resource-server';
export {
  ResourceServer,
  DEFAULT_TOKEN_ALGS,
  repeatsAuthorization,
  type Admitted,
  type DpopOptions,
  type ProtectedRequest,
  type Requirements,
  type ResourceServerOptions,
  type TokenRefusal,
  type Verdict,
} from './resource-server';
export { Refused, type Refusal, type RefusalEvent, type Scheme } from './refusal';
export type { ApprovalClaim, AuthorizationDetail, VerifiedClaims } from './claims';
export { IssuerMisconfigured, type JwksOptions } from './issuer-keys';
export type { ReplayStore } from './replay-cache';
export { DpopNonces, type DpopNonceSource } from './dpop-nonces';
export {
  checkDpopProof,
  type CheckedProof,
  type DpopPolicy,
  type ProofContext,
} from './dpop-proof';
export { ProofKeys, type ImportedProofKey, type VerifiedProof } from './proof-keys';
export { PROOFGATE_ACR_ORDER, meetsAcr } from './acr';
export {
  DEFAULT_DPOP_ALGS,
  protectedResourceMetadata,
  resourceMetadataPath,
  resourceMetadataUrl,
  type ProtectedResourceMetadata,
  type ProtectedResourceMetadataInput,
} from './metadata';
