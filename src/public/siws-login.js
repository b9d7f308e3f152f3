/*
 * "Sign in with Solana" on the login page (no dependencies but window.Proofgate; the CSP allows no
 * inline script). Finds Solana wallets by Wallet Standard discovery, connects (standard:connect),
 * gets a nonce and the exact Sign In With Solana text from POST /wallet/nonce, has the wallet sign
 * exactly that text (solana:signMessage), posts the signature (padded base64) with the page's CSRF
 * token to POST /login/siwe, then continues to the pending authorization request.
 */
'use strict';

(function () {
  const button = document.getElementById('siws-login');
  const status = document.getElementById('siws-status');
  const alertBox = document.getElementById('siws-error');
  if (!button || !status || !alertBox) return;
  const { show, postJson, describe, finishLogin, base64 } = window.Proofgate;
  const { discoverSolanaWallets, connectSolana } = window.Proofgate;

  const wallets = discoverSolanaWallets(offer);
  offer();
  button.addEventListener('click', () => {
    void signIn();
  });

  /** The button, enabled while a wallet is found (the outlined style reads better enabled). */
  function offer() {
    const found = wallets.length > 0;
    button.disabled = !found;
    button.classList.toggle('secondary', found);
    button.textContent = found ? 'Sign in with Solana' : 'No Solana wallet found in this browser';
  }

  function sameBytes(a, b) {
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }

  async function signIn() {
    button.disabled = true;
    show(alertBox, '');
    try {
      const wallet = wallets[0];
      show(status, `Waiting for ${wallet.name}…`);
      const { account, chainId } = await connectSolana(wallet);

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
      await finishLogin(
        '/login/siwe',
        {
          message: issued.message,
          signature: base64(signed.signature),
        },
        (text) => show(status, text),
      );
    } catch (error) {
      show(status, '');
      show(alertBox, describe(error, 'Signing in with Solana failed.'));
      button.disabled = false;
    }
  }
})();
