import {
  type BrowserWallet,
  type ClientUse,
  type ProofSettings,
  WALLET_VERIFICATION_METRICS,
  walletLoginButton,
  ANY_SIGN_IN,
} from '../../proofs/proof-descriptor';
import { AMR, type WalletMethod } from '../../proofs/proof-vocabulary';

/**
 * What every wallet chain's proof descriptor says alike, given its method and the chain's name:
 * its page script (`/static/<id>-wallet.js`), login button, AMR and metrics. A chain's `*.proof.ts`
 * spreads it and writes what is its own (labels, challenge kind, protocol, threats, clients).
 */
export function walletSignIn<Id extends WalletMethod>(id: Id, chain: string) {
  const wallet: BrowserWallet = { chain, script: `/static/${id}-wallet.js` };
  return {
    id,
    amr: AMR[id],
    acr: ANY_SIGN_IN,
    wallet,
    loginButton: walletLoginButton({ id: 'login.button.wallet', values: { chain } }, wallet),
    metrics: { verified: WALLET_VERIFICATION_METRICS },
  };
}

/** Every chain's endpoints: a nonce, then the signed message (wallet.controller.ts). */
export const WALLET_ENDPOINTS = ['POST /wallet/nonce', 'POST /wallet/verify'];

/** How the challenge store keeps a wallet nonce, and for how long: every chain alike. */
export const WALLET_NONCE_STORAGE = {
  storageKey: 'SHA-256 of the nonce',
  lifetimeSeconds: ({ challenges }: ProofSettings) => challenges.walletNonceTtlSeconds,
};

/** OpenID Connect relying parties, who reach a chain through the login page's button. */
export function relyingPartyUse(
  id: WalletMethod,
  chain: string,
  sub: string,
  standards: readonly string[],
): ClientUse {
  return {
    clients: 'OpenID Connect relying parties',
    through: [
      `"Sign in with ${chain}" on the login page of an authorization code + PKCE flow (POST /login/siwe)`,
      `the id_token says amr ["${id}"], sub ${sub}`,
    ],
    standards: [...standards, 'OpenID Connect Core 1.0', 'RFC 7636'],
  };
}
