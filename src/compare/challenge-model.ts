import type { ChallengeKind } from '../challenges/challenge';

/**
 * The challenge models compared: the four login models, PKCE (authorization codes), SIWE
 * (Ethereum wallet nonces), passkeys (WebAuthn challenges) and SIWS (Solana wallet nonces), and the
 * two proofs of possession that guard what a login yields, DPoP (proof `jti`s, RFC 9449) and PAR
 * (`request_uri`s, RFC 9126).
 */
export type LoginModel = 'pkce' | 'siwe' | 'passkey' | 'siws';
export type PossessionModel = 'dpop' | 'par';
export type ChallengeModel = LoginModel | PossessionModel;

export const MODEL_IDS: readonly LoginModel[] = ['pkce', 'siwe', 'passkey', 'siws'];
export const POSSESSION_MODEL_IDS: readonly PossessionModel[] = ['dpop', 'par'];
export const ALL_MODEL_IDS: readonly ChallengeModel[] = [...MODEL_IDS, ...POSSESSION_MODEL_IDS];

export const MODEL_OF_KIND: Record<ChallengeKind, ChallengeModel> = {
  authorization_code: 'pkce',
  wallet_nonce: 'siwe',
  webauthn_registration: 'passkey',
  webauthn_authentication: 'passkey',
  siws_nonce: 'siws',
  dpop_jti: 'dpop',
  par_request_uri: 'par',
};

/** The kind whose figures stand for the model: a passkey's sign-in, not its registration. */
export const KIND_OF_MODEL: Record<ChallengeModel, ChallengeKind> = {
  pkce: 'authorization_code',
  siwe: 'wallet_nonce',
  passkey: 'webauthn_authentication',
  siws: 'siws_nonce',
  dpop: 'dpop_jti',
  par: 'par_request_uri',
};
