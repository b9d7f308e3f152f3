/*
 * Solana's side of the pages' wallet buttons (the login page, the demo dApp), registered with
 * window.Proofgate as the `siws` chain (no dependencies but window.Proofgate; the CSP allows no
 * inline script). The wallets: those Wallet Standard discovery finds that connect
 * (standard:connect) and sign messages (solana:signMessage) on a cluster this page knows. Signing
 * is solana:signMessage of the exact Sign In With Solana text's UTF-8 bytes, answered as padded
 * base64 of the Ed25519 signature.
 */
'use strict';

(function () {
  const { addWalletChain, discoverWallets, sameBytes, base64, text } = window.Proofgate;

  /** The clusters a page asks a wallet for: the first it offers, mainnet first. */
  const CLUSTERS = Object.freeze(['solana:mainnet', 'solana:devnet', 'solana:testnet']);

  const watchers = [];
  const wallets = discoverWallets(
    (wallet) => {
      const features = wallet && wallet.features;
      return (
        !!features &&
        !!features['standard:connect'] &&
        !!features['solana:signMessage'] &&
        Array.isArray(wallet.chains) &&
        wallet.chains.some((chain) => CLUSTERS.includes(chain))
      );
    },
    () => watchers.forEach((changed) => changed()),
  );

  /** standard:connect, then the account and the first cluster this page knows that it offers. */
  async function connect(wallet) {
    const { accounts } = await wallet.features['standard:connect'].connect();
    const account = accounts && accounts[0];
    if (!account || typeof account.address !== 'string') {
      throw new Error(text('script.wallet.no_account'));
    }
    const chains =
      Array.isArray(account.chains) && account.chains.length ? account.chains : wallet.chains;
    const chainId = CLUSTERS.find((cluster) => chains.includes(cluster));
    if (!chainId) throw new Error(text('script.wallet.no_network', { chain: 'Solana' }));
    return {
      address: account.address,
      chainId,
      shown: `${wallet.name}, ${chainId}`,
      async sign(message) {
        const bytes = new TextEncoder().encode(message);
        const [signed] = await wallet.features['solana:signMessage'].signMessage({
          account,
          message: bytes,
        });
        // A wallet that signed other bytes (a prefix, an envelope) did not sign what was issued.
        if (!signed || !sameBytes(signed.signedMessage, bytes)) {
          throw new Error(text('script.wallet.signed_other'));
        }
        return base64(signed.signature);
      },
    };
  }

  addWalletChain({
    id: 'siws',
    name: 'Solana',
    namespace: 'solana',
    find: () => wallets[0] || null,
    watch: (changed) => watchers.push(changed),
    connect,
  });
})();
