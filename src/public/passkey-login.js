/*
 * "Sign in with a passkey" on the login page, with @simplewebauthn/browser (served from this
 * origin; the CSP allows no inline script and no other origin). Gets request options from
 * POST /passkeys/authentication/options (no account named: discoverable credentials), has the
 * browser's authenticator sign them, posts the assertion with the page's CSRF token to
 * POST /login/passkey, then continues to the pending authorization request. Where the browser
 * offers conditional mediation, the username field also proposes the passkeys (autofill).
 */
'use strict';

(function () {
  const button = document.getElementById('passkey-login');
  const status = document.getElementById('passkey-status');
  const alertBox = document.getElementById('passkey-error');
  const lib = window.SimpleWebAuthnBrowser;
  if (!button || !status || !alertBox || !lib || !lib.browserSupportsWebAuthn()) return;

  button.hidden = false;
  button.addEventListener('click', () => {
    void signIn(false);
  });
  void lib.browserSupportsWebAuthnAutofill().then((supported) => {
    if (supported) void signIn(true);
  });

  function fieldValue(name) {
    const field = document.querySelector(`input[type="hidden"][name="${name}"]`);
    return field ? field.value : '';
  }

  function show(element, text) {
    element.textContent = text;
    element.hidden = text === '';
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

  async function signIn(autofill) {
    if (!autofill) {
      button.disabled = true;
      show(alertBox, '');
      show(status, 'Waiting for your passkey…');
    }
    try {
      const optionsJSON = await postJson('/passkeys/authentication/options', {});
      const response = await lib.startAuthentication({ optionsJSON, useBrowserAutofill: autofill });
      show(status, 'Signing in…');
      const done = await postJson('/login/passkey', {
        response,
        csrf_token: fieldValue('csrf_token'),
        return_to: fieldValue('return_to'),
      });
      window.location.assign(done.redirect);
    } catch (error) {
      // An autofill request is aborted when the button starts its own: nothing to say.
      if (autofill) return;
      show(status, '');
      const cancelled = error && error.name === 'NotAllowedError';
      show(
        alertBox,
        cancelled
          ? 'The passkey request was cancelled or timed out.'
          : (error && error.message) || 'Signing in with a passkey failed.',
      );
      button.disabled = false;
    }
  }
})();
