/*
 * "Sign in with Bitcoin" on the login page (no dependencies but window.Proofgate; the CSP allows no
 * inline script). Finds a Bitcoin wallet (Proofgate.findBitcoin: UniSat's `window.unisat`
 * interface, a Wallet Standard wallet, sats-connect's provider as Xverse injects it, Leather's),
 * asks for its account, gets a nonce and the exact Sign in with Bitcoin text from
 * POST /wallet/nonce, has the wallet sign exactly that text (BIP-322 simple, or the legacy format
 * for a 1… address), posts the base64 signature with the page's CSRF token to POST /login/siwe,
 * then continues to the pending authorization request.
 */
'use strict';

(function () {
  const button = document.getElementById('siwb-login');
  const status = document.getElementById('siwb-status');
  const alertBox = document.getElementById('siwb-error');
  if (!button || !status || !alertBox) return;
  const { show, finishLogin, postJson, describe, findBitcoin, connectBitcoin } = window.Proofgate;

  /** The button, enabled while a wallet is found (the outlined style reads better enabled). */
  function offer() {
    const found = findBitcoin() !== null;
    button.disabled = !found;
    button.classList.toggle('secondary', found);
    button.textContent = found ? 'Sign in with Bitcoin' : 'No Bitcoin wallet found in this browser';
  }

  // A Wallet Standard wallet may register later: look again then.
  findBitcoin(offer);
  offer();
  // Extensions inject their provider as the page loads; look again once it has.
  window.addEventListener('load', offer);
  button.addEventListener('click', () => {
    void signIn();
  });

  async function signIn() {
    button.disabled = true;
    show(alertBox, '');
    try {
      show(status, 'Waiting for your Bitcoin wallet…');
      const { address, chainId, sign } = await connectBitcoin(findBitcoin());

      const issued = await postJson('/wallet/nonce', { address, chainId });
      show(status, 'Sign the message in your wallet…');
      const signature = await sign(issued.message);

      show(status, 'Checking the signature…');
      await finishLogin('/login/siwe', { message: issued.message, signature }, (text) =>
        show(status, text),
      );
    } catch (error) {
      show(status, '');
      show(alertBox, describe(error, 'Signing in with Bitcoin failed.'));
      offer();
    }
  }
})();
