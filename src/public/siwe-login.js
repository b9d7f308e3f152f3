/*
 * "Sign in with Ethereum" on the login page (no dependencies; the CSP allows no inline script).
 * Has the EIP-1193 wallet sign a fresh EIP-4361 message (window.ProofgateSiwe, /static/siwe-sign.js),
 * posts the signature with the page's CSRF token to POST /login/siwe, then continues to the
 * pending authorization request.
 */
'use strict';

(function () {
  const button = document.getElementById('siwe-login');
  const status = document.getElementById('siwe-status');
  const alertBox = document.getElementById('siwe-error');
  const siwe = window.ProofgateSiwe;
  const { show, describe, finishLogin } = window.Proofgate;
  if (!button || !status || !alertBox || !siwe) return;

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

  async function signIn() {
    button.disabled = true;
    show(alertBox, '');
    try {
      const proof = await siwe.sign(ethereum, (text) => show(status, text));
      show(status, 'Checking the signature…');
      await finishLogin('/login/siwe', proof, (text) => show(status, text));
    } catch (error) {
      show(status, '');
      show(alertBox, describe(error, 'Signing in with Ethereum failed.'));
      button.disabled = false;
    }
  }
})();
