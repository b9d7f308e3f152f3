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
  const { show, postJson, describe, onWalletChain } = window.Proofgate;
  if (!status || !alertBox) return;

  onWalletChain((chain) => {
    const button = document.getElementById(`link-${chain.id}`);
    if (!button) return;
    const csrfToken = button.dataset.csrfToken || '';
    const text = button.textContent;
    let busy = false;

    function offer() {
      if (busy) return;
      const found = chain.find() !== null;
      button.disabled = !found;
      button.textContent = found ? text : `No ${chain.name} wallet found in this browser`;
    }

    async function linkWallet() {
      const found = chain.find();
      if (!found) return offer();
      busy = true;
      button.disabled = true;
      show(alertBox, '');
      try {
        show(status, `Waiting for your ${chain.name} wallet…`);
        const wallet = await chain.connect(found);
        const issued = await postJson('/account/wallets/nonce', {
          address: wallet.address,
          chainId: wallet.chainId,
          csrf_token: csrfToken,
        });
        show(status, 'Sign the message in your wallet…');
        const signature = await wallet.sign(issued.message);
        show(status, 'Linking the wallet…');
        await postJson('/account/wallets', {
          message: issued.message,
          signature,
          csrf_token: csrfToken,
        });
        window.location.reload();
      } catch (error) {
        show(status, '');
        show(alertBox, describe(error, 'Linking the wallet failed.'));
        busy = false;
        offer();
      }
    }

    if (chain.watch) chain.watch(offer);
    window.addEventListener('load', offer);
    offer();
    button.addEventListener('click', () => {
      void linkWallet();
    });
  });
})();
