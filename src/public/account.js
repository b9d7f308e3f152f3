/*
 * "Add a passkey" on the account page, with @simplewebauthn/browser (served from this origin;
 * the CSP allows no inline script). Gets creation options for the signed-in account from
 * POST /account/passkeys/options, has the browser create the passkey, posts it to
 * POST /account/passkeys (both with the page's CSRF token), then reloads the page.
 * And, on every load, tells the browser's authenticators which passkeys the account still holds
 * (WebAuthn Signal API, signalAllAcceptedCredentials): one removed here, by an operator or by a
 * lock-down stops being offered. Feature-detected; a browser without it is told nothing.
 */
'use strict';

(function () {
  const signal = document.getElementById('passkey-signal');
  const api = window.PublicKeyCredential;
  if (!signal || !api || typeof api.signalAllAcceptedCredentials !== 'function') return;
  const ids = signal.dataset.credentialIds || '';
  // Best effort: an authenticator that cannot be told is no reason to trouble the page.
  api
    .signalAllAcceptedCredentials({
      rpId: signal.dataset.rpId,
      userId: signal.dataset.userId,
      allAcceptedCredentialIds: ids.split(' ').filter((id) => id !== ''),
    })
    .catch(() => undefined);
})();

(function () {
  const button = document.getElementById('add-passkey');
  const status = document.getElementById('passkey-status');
  const alertBox = document.getElementById('passkey-error');
  const lib = window.SimpleWebAuthnBrowser;
  const { show, postJson, describe, text } = window.Proofgate;
  if (!button || !status || !alertBox || !lib || !lib.browserSupportsWebAuthn()) return;
  const csrfToken = button.dataset.csrfToken || '';

  button.hidden = false;
  button.addEventListener('click', () => {
    void addPasskey();
  });

  async function addPasskey() {
    button.disabled = true;
    show(alertBox, '');
    show(status, text('script.account.passkey_waiting'));
    try {
      const optionsJSON = await postJson('/account/passkeys/options', { csrf_token: csrfToken });
      const response = await lib.startRegistration({ optionsJSON });
      show(status, text('script.account.passkey_saving'));
      await postJson('/account/passkeys', { csrf_token: csrfToken, response });
      window.location.reload();
    } catch (error) {
      show(status, '');
      show(alertBox, describe(error, text('script.account.passkey_failed')));
      button.disabled = false;
    }
  }
})();
