import type { ChallengeKind } from '../challenges/challenge';

/**
 * The login models compared: PKCE (authorization codes), SIWE (Ethereum wallet nonces) and SIWS
 * (Solana wallet nonces).
 */
export type ChallengeModel = 'pkce' | 'siwe' | 'siws';

export const MODEL_IDS: readonly ChallengeModel[] = ['pkce', 'siwe', 'siws'];

export const MODEL_OF_KIND: Record<ChallengeKind, ChallengeModel> = {
  authorization_code: 'pkce',
  wallet_nonce: 'siwe',
  siws_nonce: 'siws',
};

export const KIND_OF_MODEL: Record<ChallengeModel, ChallengeKind> = {
  pkce: 'authorization_code',
  siwe: 'wallet_nonce',
  siws: 'siws_nonce',
};
