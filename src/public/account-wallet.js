/*
 * "Link a … wallet" on the account page, a button per wallet chain (`#link-<id>`; no dependencies
 * but window.Proofgate and the chains' own scripts, `/static/<id>-wallet.js`; the CSP allows no
 * inline script). The chain's wallet signs a fresh link message of POST /account/wallets/nonce
 * (the message says it links the wallet to this account, and nothing else redeems it); the
 * signature goes with the page's CSRF token to POST /account/wallets, then the page reloads and
 * lists the wallet.
 */
'use strict';

(function () {
  const status = document.getElementById('wallet-status');
  const alertBox = document.getElementById('wallet-error');
  const { postJson, onWalletChain, walletButton, text } = window.Proofgate;
  if (!status || !alertBox) return;

  onWalletChain((chain) => {
    const button = document.getElementById(`link-${chain.id}`);
    if (!button) return;
    const csrfToken = button.dataset.csrfToken || '';
    walletButton(chain, button, {
      status,
      alertBox,
      noncePath: '/account/wallets/nonce',
      extra: { csrf_token: csrfToken },
      failure: text('script.account.wallet_failed'),
      finish: async (proof, say) => {
        say(text('script.account.wallet_linking'));
        await postJson('/account/wallets', { ...proof, csrf_token: csrfToken });
        window.location.reload();
      },
    });
  });
})();
