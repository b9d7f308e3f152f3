/*
 * "Sign in with Solana" on the login page (no dependencies; the CSP allows no inline script).
 * Finds Solana wallets by Wallet Standard discovery (the `wallet-standard:app-ready` and
 * `wallet-standard:register-wallet` window events, as @wallet-standard/app's getWallets does),
 * connects (standard:connect), gets a nonce and the exact Sign In With Solana text from
 * POST /wallet/nonce, has the wallet sign exactly that text (solana:signMessage), posts the
 * signature (padded base64) with the page's CSRF token to POST /login/siwe, then continues to the
 * pending authorization request.
 */
'use strict';

(function () {
  const button = document.getElementById('siws-login');
  const status = document.getElementById('siws-status');
  const alertBox = document.getElementById('siws-error');
  if (!button || !status || !alertBox) return;

  // The cluster asked for: the first the wallet offers among these, mainnet first.
  const CLUSTERS = ['solana:mainnet', 'solana:devnet', 'solana:testnet'];
  const wallets = [];

  function usable(wallet) {
    const features = wallet && wallet.features;
    return (
      !!features &&
      !!features['standard:connect'] &&
      !!features['solana:signMessage'] &&
      Array.isArray(wallet.chains) &&
      wallet.chains.some((chain) => CLUSTERS.includes(chain))
    );
  }

  function register(...found) {
    for (const wallet of found)
      if (usable(wallet) && !wallets.includes(wallet)) wallets.push(wallet);
    if (wallets.length > 0) {
      button.disabled = false;
      button.classList.add('secondary');
      button.textContent = 'Sign in with Solana';
    }
    return () => {};
  }
  const api = Object.freeze({ register });
  // Wallet Standard: wallets loaded later announce themselves; wallets loaded earlier wait for this.
  window.addEventListener('wallet-standard:register-wallet', (event) => event.detail(api));
  window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: api }));

  if (wallets.length === 0) {
    button.disabled = true;
    button.classList.remove('secondary');
    button.textContent = 'No Solana wallet found in this browser';
  }
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

  function base64(bytes) {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  function sameBytes(a, b) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
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

  async function signIn() {
    button.disabled = true;
    show(alertBox, '');
    try {
      const wallet = wallets[0];
      show(status, `Waiting for ${wallet.name}…`);
      const { accounts } = await wallet.features['standard:connect'].connect();
      const account = accounts && accounts[0];
      if (!account || typeof account.address !== 'string') {
        throw new Error('The wallet did not share an account.');
      }
      const chains =
        Array.isArray(account.chains) && account.chains.length ? account.chains : wallet.chains;
      const chainId = CLUSTERS.find((cluster) => chains.includes(cluster));
      if (!chainId) throw new Error('The wallet offers no Solana cluster this page knows.');

      const issued = await postJson('/wallet/nonce', { address: account.address, chainId });
      show(status, 'Sign the message in your wallet…');
      const message = new TextEncoder().encode(issued.message);
      const [signed] = await wallet.features['solana:signMessage'].signMessage({
        account,
        message,
      });
      // A wallet that signed other bytes (a prefix, an envelope) did not sign what was issued.
      if (!signed || !sameBytes(signed.signedMessage, message)) {
        throw new Error('The wallet signed something other than the message.');
      }

      show(status, 'Checking the signature…');
      const done = await postJson('/login/siwe', {
        message: issued.message,
        signature: base64(signed.signature),
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
      show(alertBox, error && error.message ? error.message : 'Signing in with Solana failed.');
      button.disabled = false;
    }
  }
})();
