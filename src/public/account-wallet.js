/*
 * "Link a wallet" on the account page (no dependencies; the CSP allows no inline script). The
 * Ethereum wallet the demo dApp uses: the provider an EIP-6963 wallet announces, else
 * window.ethereum (EIP-1193). It signs a fresh EIP-4361 link message of POST /account/wallets/nonce
 * (window.ProofgateSiwe, /static/siwe-sign.js: the message says it links the wallet to this
 * account, and nothing else redeems it); the signature goes with the page's CSRF token to POST
 * /account/wallets, then the page reloads and lists the wallet.
 */
'use strict';

(function () {
  const button = document.getElementById('link-wallet');
  const status = document.getElementById('wallet-status');
  const alertBox = document.getElementById('wallet-error');
  const siwe = window.ProofgateSiwe;
  const { show, postJson, describe, findEthereum } = window.Proofgate;
  if (!button || !status || !alertBox || !siwe) return;
  const csrfToken = button.dataset.csrfToken || '';

  const ethereum = findEthereum();
  if (!ethereum) {
    button.textContent = 'No Ethereum wallet found in this browser';
    return;
  }
  button.disabled = false;
  button.addEventListener('click', () => {
    void linkWallet();
  });

  async function linkWallet() {
    button.disabled = true;
    show(alertBox, '');
    try {
      const proof = await siwe.sign(
        ethereum,
        (text) => show(status, text),
        (address, chainId) =>
          postJson('/account/wallets/nonce', { address, chainId, csrf_token: csrfToken }),
      );
      show(status, 'Linking the wallet…');
      await postJson('/account/wallets', { ...proof, csrf_token: csrfToken });
      window.location.reload();
    } catch (error) {
      show(status, '');
      show(alertBox, describe(error, 'Linking the wallet failed.'));
      button.disabled = false;
    }
  }
})();
