/*
 * The login page's wallet buttons, one per wallet chain (no dependencies but window.Proofgate and
 * the chains' own scripts, `/static/<id>-wallet.js`, which register each chain; the CSP allows no
 * inline script). A chain's button (`#<id>-login`, with `#<id>-status` and `#<id>-error`) is
 * enabled while the browser has such a wallet. Signing in: the wallet's account, a nonce and the
 * exact message from POST /wallet/nonce (bound to this browser's login page), the wallet's
 * signature of exactly that text, posted with the page's CSRF token to POST /login/siwe; then on
 * to the pending authorization request.
 */
'use strict';

(function () {
  const { finishLogin, onWalletChain, text, walletButton } = window.Proofgate;

  onWalletChain((chain) => {
    const button = document.getElementById(`${chain.id}-login`);
    const status = document.getElementById(`${chain.id}-status`);
    const alertBox = document.getElementById(`${chain.id}-error`);
    if (!button || !status || !alertBox) return;
    walletButton(chain, button, {
      status,
      alertBox,
      noncePath: '/wallet/nonce',
      // The outlined style reads better on an enabled button.
      foundClass: 'secondary',
      failure: text('script.wallet.failed', { chain: chain.name }),
      finish: (proof, say) => {
        say(text('script.wallet.checking'));
        return finishLogin('/login/siwe', proof, say);
      },
    });
  });
})();
