import type { ChallengeKind } from '../challenges/challenge';

/**
 * The challenge models compared: the two login models, PKCE (authorization codes) and SIWE
 * (wallet nonces), and the two proofs of possession that guard what a login yields, DPoP (proof
 * `jti`s, RFC 9449) and PAR (`request_uri`s, RFC 9126).
 */
export type LoginModel = 'pkce' | 'siwe';
export type PossessionModel = 'dpop' | 'par';
export type ChallengeModel = LoginModel | PossessionModel;

export const MODEL_IDS: readonly LoginModel[] = ['pkce', 'siwe'];
export const POSSESSION_MODEL_IDS: readonly PossessionModel[] = ['dpop', 'par'];
export const ALL_MODEL_IDS: readonly ChallengeModel[] = [...MODEL_IDS, ...POSSESSION_MODEL_IDS];

export const MODEL_OF_KIND: Record<ChallengeKind, ChallengeModel> = {
  authorization_code: 'pkce',
  wallet_nonce: 'siwe',
  dpop_jti: 'dpop',
  par_request_uri: 'par',
};

export const KIND_OF_MODEL: Record<ChallengeModel, ChallengeKind> = {
  pkce: 'authorization_code',
  siwe: 'wallet_nonce',
  dpop: 'dpop_jti',
  par: 'par_request_uri',
};
