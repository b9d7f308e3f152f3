/*
 * "Sign in with Ethereum" on the login page (no dependencies; the CSP allows no inline script).
 * Asks the EIP-1193 wallet for an account and chain, gets a nonce and the exact EIP-4361 message
 * from POST /wallet/nonce, has the wallet sign it (personal_sign, EIP-191), posts the signature
 * with the page's CSRF token to POST /login/siwe, then continues to the pending authorization
 * request.
 */
'use strict';

(function () {
  const button = document.getElementById('siwe-login');
  const status = document.getElementById('siwe-status');
  const alertBox = document.getElementById('siwe-error');
  if (!button || !status || !alertBox) return;

  const ethereum = window.ethereum;
  if (!ethereum || typeof ethereum.request !== 'function') {
    button.disabled = true;
    // The plain disabled style reads better than the outlined one greyed out.
    button.classList.remove('secondary');
    button.textContent = 'No Ethereum wallet found in this browser';
    return;
  }
  button.disabled = false;
  button.addEventListener('click', () => {
    void signIn();
  });

  function fieldValue(name) {
    const field = document.querySelector(`input[type="hidden"][name="${name}"]`);
    return field ? field.value : '';
  }

  function show(element, text) {
    element.textContent = text;
    element.hidden = text === '';
  }

  /** personal_sign takes the message as 0x-prefixed hex of its UTF-8 bytes. */
  function utf8Hex(text) {
    let hex = '0x';
    for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }

  /** POSTs JSON; answers the parsed body, or throws with the server's error_description. */
  async function postJson(path, body) {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const description = data && data.error_description;
      throw new Error(description || `The server answered ${response.status}.`);
    }
    return data;
  }

  function describe(error) {
    // EIP-1193: 4001 is the user rejecting the request in the wallet.
    if (error && error.code === 4001) return 'You cancelled the request in your wallet.';
    if (error && typeof error.message === 'string' && error.message) return error.message;
    return 'Signing in with Ethereum failed.';
  }

  async function signIn() {
    button.disabled = true;
    show(alertBox, '');
    try {
      show(status, 'Waiting for your wallet…');
      const accounts = await ethereum.request({ method: 'eth_requestAccounts' });
      const address = Array.isArray(accounts) ? accounts[0] : undefined;
      if (typeof address !== 'string') throw new Error('The wallet did not share an account.');
      const chainId = Number.parseInt(await ethereum.request({ method: 'eth_chainId' }), 16);
      if (!Number.isSafeInteger(chainId)) throw new Error('The wallet did not name its chain.');

      const issued = await postJson('/wallet/nonce', { address, chainId });
      show(status, 'Sign the message in your wallet…');
      const signature = await ethereum.request({
        method: 'personal_sign',
        params: [utf8Hex(issued.message), address],
      });

      show(status, 'Checking the signature…');
      const done = await postJson('/login/siwe', {
        message: issued.message,
        signature,
        csrf_token: fieldValue('csrf_token'),
        return_to: fieldValue('return_to'),
      });
      // The server answers a checked path on this origin; refuse anything else all the same.
      const next = new URL(done.redirect, window.location.origin);
      if (next.origin !== window.location.origin) throw new Error('Unexpected redirect.');
      show(status, 'Signed in. Continuing…');
      window.location.assign(next.href);
    } catch (error) {
      show(status, '');
      show(alertBox, describe(error));
      button.disabled = false;
    }
  }
})();
