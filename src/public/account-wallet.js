/*
 * "Link a wallet" on the account page (no dependencies; the CSP allows no inline script). The
 * Ethereum wallet the demo dApp uses: the provider an EIP-6963 wallet announces, else
 * window.ethereum (EIP-1193). Asks it for an account and chain, gets a nonce and the exact
 * EIP-4361 message from POST /wallet/nonce, has the wallet sign it (personal_sign, EIP-191),
 * posts the signature with the page's CSRF token to POST /account/wallets, then reloads the page,
 * which lists the wallet.
 */
'use strict';

(function () {
  const button = document.getElementById('link-wallet');
  const status = document.getElementById('wallet-status');
  const alertBox = document.getElementById('wallet-error');
  if (!button || !status || !alertBox) return;
  const csrfToken = button.dataset.csrfToken || '';

  let ethereum = null;
  window.addEventListener('eip6963:announceProvider', (event) => {
    const provider = event.detail && event.detail.provider;
    if (!ethereum && provider && typeof provider.request === 'function') ethereum = provider;
  });
  window.dispatchEvent(new Event('eip6963:requestProvider'));
  if (!ethereum && window.ethereum && typeof window.ethereum.request === 'function') {
    ethereum = window.ethereum;
  }
  if (!ethereum) {
    button.textContent = 'No Ethereum wallet found in this browser';
    return;
  }
  button.disabled = false;
  button.addEventListener('click', () => {
    void linkWallet();
  });

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
    return 'Linking the wallet failed.';
  }

  async function linkWallet() {
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

      show(status, 'Linking the wallet…');
      await postJson('/account/wallets', {
        message: issued.message,
        signature,
        csrf_token: csrfToken,
      });
      window.location.reload();
    } catch (error) {
      show(status, '');
      show(alertBox, describe(error));
      button.disabled = false;
    }
  }
})();
