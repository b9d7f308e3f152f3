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
  const { show, postJson, describe, finishLogin, onWalletChain } = window.Proofgate;

  onWalletChain((chain) => {
    const button = document.getElementById(`${chain.id}-login`);
    const status = document.getElementById(`${chain.id}-status`);
    const alertBox = document.getElementById(`${chain.id}-error`);
    if (!button || !status || !alertBox) return;
    const text = button.textContent;
    let busy = false;

    /** The button, enabled while a wallet is found (the outlined style reads better enabled). */
    function offer() {
      if (busy) return;
      const found = chain.find() !== null;
      button.disabled = !found;
      button.classList.toggle('secondary', found);
      button.textContent = found ? text : `No ${chain.name} wallet found in this browser`;
    }

    async function signIn() {
      const found = chain.find();
      if (!found) return offer();
      busy = true;
      button.disabled = true;
      show(alertBox, '');
      try {
        show(status, `Waiting for your ${chain.name} wallet…`);
        const wallet = await chain.connect(found);
        const issued = await postJson('/wallet/nonce', {
          address: wallet.address,
          chainId: wallet.chainId,
        });
        show(status, 'Sign the message in your wallet…');
        const signature = await wallet.sign(issued.message);
        show(status, 'Checking the signature…');
        await finishLogin('/login/siwe', { message: issued.message, signature }, (said) =>
          show(status, said),
        );
      } catch (error) {
        show(status, '');
        show(alertBox, describe(error, `Signing in with ${chain.name} failed.`));
        busy = false;
        offer();
      }
    }

    // A wallet may register later (Wallet Standard, EIP-6963), or inject its provider as the
    // page loads: look again then.
    if (chain.watch) chain.watch(offer);
    window.addEventListener('load', offer);
    offer();
    button.addEventListener('click', () => {
      void signIn();
    });
  });
})();
