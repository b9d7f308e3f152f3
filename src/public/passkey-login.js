/*
 * "Sign in with a passkey" on the login page, with @simplewebauthn/browser (served from this
 * origin; the CSP allows no inline script and no other origin). Gets request options from
 * POST /passkeys/authentication/options (no account named: discoverable credentials), has the
 * browser's authenticator sign them, posts the assertion with the page's CSRF token to
 * POST /login/passkey, then continues to the pending authorization request. Where the browser
 * offers conditional mediation, the username field also proposes the passkeys (autofill). On a
 * `phrh` step-up the button names the account's hardware-bound passkeys (data-allow-credentials):
 * only those are asked for (WebAuthn allowCredentials), and no autofill offers the others. A
 * passkey no account holds (removed) is refused as unknown_credential: the page tells the
 * authenticator so (WebAuthn Signal API, signalUnknownCredential), which stops offering it.
 */
'use strict';

(function () {
  const button = document.getElementById('passkey-login');
  const status = document.getElementById('passkey-status');
  const alertBox = document.getElementById('passkey-error');
  const lib = window.SimpleWebAuthnBrowser;
  const { show, postJson, describe, finishLogin, text } = window.Proofgate;
  if (!button || !status || !alertBox || !lib || !lib.browserSupportsWebAuthn()) return;

  const allowed = button.dataset.allowCredentials;
  const allowCredentials =
    allowed === undefined
      ? undefined
      : allowed
          .split(' ')
          .filter((id) => id !== '')
          .map((id) => ({ id, type: 'public-key' }));

  button.hidden = false;
  button.addEventListener('click', () => {
    void signIn(false);
  });
  if (allowCredentials === undefined) {
    void lib.browserSupportsWebAuthnAutofill().then((supported) => {
      if (supported) void signIn(true);
    });
  }

  async function signIn(autofill) {
    if (!autofill) {
      button.disabled = true;
      show(alertBox, '');
      show(status, text('script.passkey.waiting'));
    }
    try {
      const options = await postJson('/passkeys/authentication/options', {});
      const optionsJSON =
        allowCredentials === undefined ? options : { ...options, allowCredentials };
      const response = await lib.startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
      show(status, text('script.signing_in'));
      await finishLogin('/login/passkey', { response }, (said) => show(status, said)).catch(
        (error) => {
          if (error && error.error === 'unknown_credential') forget(options.rpId, response.id);
          throw error;
        },
      );
    } catch (error) {
      // An autofill request is aborted when the button starts its own: nothing to say.
      if (autofill) return;
      show(status, '');
      show(alertBox, describe(error, text('script.passkey.failed')));
      button.disabled = false;
    }
  }

  /** Feature-detected, best effort: the authenticator hides the credential from now on. */
  function forget(rpId, credentialId) {
    const api = window.PublicKeyCredential;
    if (!api || typeof api.signalUnknownCredential !== 'function') return;
    api.signalUnknownCredential({ rpId, credentialId }).catch(() => undefined);
  }
})();
