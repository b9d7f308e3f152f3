import type { ChallengeKind } from '../challenges/challenge';

/** The two login models compared: PKCE (authorization codes) and SIWE (wallet nonces). */
export type ChallengeModel = 'pkce' | 'siwe';

export const MODEL_IDS: readonly ChallengeModel[] = ['pkce', 'siwe'];

export const MODEL_OF_KIND: Record<ChallengeKind, ChallengeModel> = {
  authorization_code: 'pkce',
  wallet_nonce: 'siwe',
};

export const KIND_OF_MODEL: Record<ChallengeModel, ChallengeKind> = {
  pkce: 'authorization_code',
  siwe: 'wallet_nonce',
};
