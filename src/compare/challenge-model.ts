import type { ChallengeKind } from '../challenges/challenge';

/**
 * The login models compared: PKCE (authorization codes), SIWE (Ethereum wallet nonces), passkeys
 * (WebAuthn challenges) and SIWS (Solana wallet nonces).
 */
export type ChallengeModel = 'pkce' | 'siwe' | 'passkey' | 'siws';

export const MODEL_IDS: readonly ChallengeModel[] = ['pkce', 'siwe', 'passkey', 'siws'];

export const MODEL_OF_KIND: Record<ChallengeKind, ChallengeModel> = {
  authorization_code: 'pkce',
  wallet_nonce: 'siwe',
  webauthn_registration: 'passkey',
  webauthn_authentication: 'passkey',
  siws_nonce: 'siws',
};

/** The kind whose figures stand for the model: a passkey's sign-in, not its registration. */
export const KIND_OF_MODEL: Record<ChallengeModel, ChallengeKind> = {
  pkce: 'authorization_code',
  siwe: 'wallet_nonce',
  passkey: 'webauthn_authentication',
  siws: 'siws_nonce',
};
