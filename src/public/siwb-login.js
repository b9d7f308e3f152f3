/*
 * "Sign in with Bitcoin" on the login page (no dependencies but window.Proofgate; the CSP allows no
 * inline script). Finds a Bitcoin wallet by the provider it injects (`window.unisat`, the
 * interface UniSat defines and OKX's `window.okxwallet.bitcoin` shares), asks for its account,
 * gets a nonce and the exact Sign in with Bitcoin text from POST /wallet/nonce, has the wallet
 * sign exactly that text (`signMessage`: BIP-322 simple, or the legacy format for a 1… address),
 * posts the base64 signature with the page's CSRF token to POST /login/siwe, then continues to
 * the pending authorization request.
 */
'use strict';

(function () {
  const button = document.getElementById('siwb-login');
  const status = document.getElementById('siwb-status');
  const alertBox = document.getElementById('siwb-error');
  if (!button || !status || !alertBox) return;
  const { show, finishLogin, postJson, describe } = window.Proofgate;
  const MAINNET = 'bip122:000000000019d6689c085ae165831e93';
  const TESTNET = 'bip122:000000000933ea01ad0ee984209779ba';

  /** The injected provider, if a wallet put one in the page. */
  function provider() {
    if (window.unisat && typeof window.unisat.signMessage === 'function') return window.unisat;
    const okx = window.okxwallet && window.okxwallet.bitcoin;
    return okx && typeof okx.signMessage === 'function' ? okx : undefined;
  }

  /** The button, enabled while a wallet is found (the outlined style reads better enabled). */
  function offer() {
    const found = provider() !== undefined;
    button.disabled = !found;
    button.classList.toggle('secondary', found);
    button.textContent = found ? 'Sign in with Bitcoin' : 'No Bitcoin wallet found in this browser';
  }

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
      const wallet = provider();
      show(status, 'Waiting for your Bitcoin wallet…');
      const [address] = await wallet.requestAccounts();
      const network = typeof wallet.getNetwork === 'function' ? await wallet.getNetwork() : '';
      const chainId = network === 'testnet' ? TESTNET : MAINNET;

      const issued = await postJson('/wallet/nonce', { address, chainId });
      show(status, 'Sign the message in your wallet…');
      // BIP-322 allows the legacy format for P2PKH addresses only; every other type signs BIP-322.
      const legacy = /^[1mn]/.test(address);
      const signature = await wallet.signMessage(
        issued.message,
        legacy ? 'ecdsa' : 'bip322-simple',
      );

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
