import { PRIVATE_KEY_JWT_PROOF } from './clients/assertion/private-key-jwt.proof';
import { CLIENT_SECRET_PROOF } from './clients/client-secret.proof';
import { PASSWORD_PROOF } from './login/password.proof';
import { JWT_BEARER_PROOF } from './oauth/token/grants/jwt-bearer/jwt-bearer.proof';
import { CIBA_PROOF } from './oauth/ciba/ciba.proof';
import { DEVICE_PROOF } from './oauth/device/device.proof';
import { EMAIL_PROOF } from './email/email.proof';
import { PAR_PROOF } from './oauth/par/par.proof';
import { PKCE_PROOF } from './oauth/pkce/pkce.proof';
import { PASSKEY_PROOF } from './passkeys/passkey.proof';
import type { ModelVariant, ProofDescriptor } from './proofs/proof-descriptor';
import {
  ALL_MODEL_IDS,
  AUTH_METHODS,
  MODEL_IDS,
  POSSESSION_MODEL_IDS,
  type ChallengeKind,
  type ChallengeModel,
  type ProofId,
  isWalletMethod,
} from './proofs/proof-vocabulary';
import { DPOP_PROOF } from './tokens/dpop/dpop.proof';
import { SIWB_PROOF } from './wallet/siwb/siwb.proof';
import { SIWE_PROOF } from './wallet/siwe/siwe.proof';
import { SIWS_PROOF } from './wallet/siws/siws.proof';
import { UPSTREAM_PROOF } from './upstream/upstream.proof';
import { OID4VP_PROOF } from './oid4vp/oid4vp.proof';

/**
 * Every proof, once: the one list compare/, telemetry/ and the pages iterate (in this order on
 * the login page; GET /challenge-models has the order of MODEL_IDS). Each descriptor lives in its
 * proof's own folder; a proof id of src/proofs/proof-vocabulary.ts without its descriptor here,
 * or with a descriptor of another id, does not compile.
 */
const DESCRIPTORS = {
  password: PASSWORD_PROOF,
  pkce: PKCE_PROOF,
  siwe: SIWE_PROOF,
  siws: SIWS_PROOF,
  siwb: SIWB_PROOF,
  passkey: PASSKEY_PROOF,
  dpop: DPOP_PROOF,
  par: PAR_PROOF,
  device: DEVICE_PROOF,
  client_secret: CLIENT_SECRET_PROOF,
  private_key_jwt: PRIVATE_KEY_JWT_PROOF,
  jwt_bearer: JWT_BEARER_PROOF,
  email: EMAIL_PROOF,
  upstream: UPSTREAM_PROOF,
  oid4vp: OID4VP_PROOF,
  ciba: CIBA_PROOF,
} satisfies { readonly [Id in ProofId]: ProofDescriptor<Id> };
export const PROOFS: { readonly [Id in ProofId]: ProofDescriptor<Id> } = DESCRIPTORS;

type ClaimedKind = (typeof DESCRIPTORS)[ProofId]['challengeKinds'][number];

/**
 * Checked by the compiler: every challenge kind belongs to a proof's descriptor. A kind added to
 * CHALLENGE_KINDS that no descriptor claims turns this type to `false`, and the line fails.
 */
export const EVERY_CHALLENGE_KIND_HAS_A_PROOF: [Exclude<ChallengeKind, ClaimedKind>] extends [never]
  ? true
  : false = true;

/** The login models, in the order of GET /challenge-models. */
export const LOGIN_MODEL_PROOFS = MODEL_IDS.map((id) => PROOFS[id]);
/** The proofs of possession (DPoP, PAR), in the order of GET /challenge-models. */
export const POSSESSION_MODEL_PROOFS = POSSESSION_MODEL_IDS.map((id) => PROOFS[id]);

/** The wallet chains' sign-ins, in the order of AUTH_METHODS (for texts that name them all). */
export const WALLET_PROOFS = AUTH_METHODS.filter(isWalletMethod).map((id) => PROOFS[id]);

/** The model each challenge kind belongs to, from the descriptors' `challengeKinds`. */
export const MODEL_OF_KIND: Readonly<Record<ChallengeKind, ChallengeModel>> = Object.fromEntries(
  ALL_MODEL_IDS.flatMap((id) => PROOFS[id].challengeKinds.map((kind) => [kind, id])),
) as Record<ChallengeKind, ChallengeModel>;

/**
 * A login model's variants (a hardware-bound passkey beside the passkey), from its descriptor:
 * each shares the model's challenges and figures, so none is a model of its own.
 */
export function variantsOf(model: ChallengeModel): readonly ModelVariant[] {
  const { comparison } = PROOFS[model];
  return 'variants' in comparison ? (comparison.variants ?? []) : [];
}

/** The kind whose figures stand for the model: a passkey's sign-in, not its registration. */
export function kindOfModel(model: ChallengeModel): ChallengeKind {
  return PROOFS[model].challengeKinds[0];
}
