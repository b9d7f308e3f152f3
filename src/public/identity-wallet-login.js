/*
 * "Sign in with your identity wallet" on the login page (OpenID4VP 1.0, docs/IDENTITY-WALLETS.md).
 * A click asks POST /oid4vp/requests (the page's CSRF token and return_to) for a presentation
 * request, and offers it twice: a link that opens a wallet on this device (same-device: the wallet
 * sends the browser back to GET /oid4vp/complete) and a QR code a phone's wallet scans
 * (cross-device). Meanwhile it polls GET /oid4vp/requests/{id}: signed in, it continues to the
 * pending authorization request; refused or expired, it says so and offers the button again.
 * The account page's "Link your identity wallet" (#link-oid4vp) is the same with
 * POST /account/oid4vp/requests (its CSRF token), except that the wallet's answer links nothing
 * by itself: the browser the wallet opens (GET /account/oid4vp/complete) shows the credential, to
 * be linked by its form, if it is signed in to this account. Presented, the page says so; linked,
 * it goes back to the account page.
 * No inline script or style (the CSP): the QR code is an SVG image in a data: URL.
 */
'use strict';

(function () {
  const { show, postJson, describe, continueTo, loginField, text } = window.Proofgate;
  const linking = document.getElementById('link-oid4vp');
  const button = linking || document.getElementById('oid4vp-login');
  const ids = linking ? 'link-oid4vp' : 'oid4vp';
  const status = document.getElementById(`${ids}-status`);
  const alertBox = document.getElementById(`${ids}-error`);
  if (!button || !status || !alertBox) return;
  const ask = linking
    ? () => postJson('/account/oid4vp/requests', { csrf_token: linking.dataset.csrfToken || '' })
    : () =>
        postJson('/oid4vp/requests', {
          csrf_token: loginField('csrf_token'),
          return_to: loginField('return_to'),
        });

  /** How often the page asks whether the wallet answered. */
  const POLL_MS = 1500;
  let panel = null;
  let current = 0;

  button.hidden = false;
  button.addEventListener('click', () => {
    void start();
  });

  async function start() {
    const attempt = ++current;
    button.disabled = true;
    show(alertBox, '');
    show(status, text('script.oid4vp.asking'));
    try {
      const created = await ask();
      offer(created);
      show(status, text('script.oid4vp.open'));
      await poll(attempt, created.id, Date.now() + created.expires_in * 1000);
    } catch (error) {
      fail(describe(error, text('script.oid4vp.failed')));
    }
  }

  /** The link (this device) and the QR code (a phone), below the button. */
  function offer(created) {
    if (panel) panel.remove();
    panel = document.createElement('div');
    panel.id = 'oid4vp-request';
    const link = document.createElement('a');
    link.id = 'oid4vp-link';
    link.className = 'button secondary';
    link.href = created.authorization_request;
    link.textContent = text('script.oid4vp.open_link');
    const qr = document.createElement('img');
    qr.id = 'oid4vp-qr';
    qr.src = created.qr_code;
    qr.alt = text('script.oid4vp.qr_alt');
    qr.width = 220;
    qr.height = 220;
    const linkLine = document.createElement('p');
    linkLine.append(link);
    const qrLine = document.createElement('p');
    qrLine.append(qr);
    panel.append(linkLine, qrLine);
    alertBox.after(panel);
  }

  /** Polls until the request is signed in, refused, gone or past its lifetime. */
  async function poll(attempt, id, deadline) {
    while (attempt === current) {
      if (Date.now() >= deadline) return fail(text('script.oid4vp.expired'));
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const response = await fetch(`/oid4vp/requests/${encodeURIComponent(id)}`, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      const data = await response.json().catch(() => null);
      if (response.status === 404) return fail(text('script.oid4vp.expired_or_used'));
      if (!response.ok) {
        throw new Error(
          (data && data.error_description) ||
            text('script.oid4vp.poll_failed', { status: response.status }),
        );
      }
      if (data.status === 'signed_in' || data.status === 'linked') {
        show(
          status,
          data.status === 'linked' ? text('script.oid4vp.linked') : text('script.signed_in'),
        );
        return continueTo(data.redirect);
      }
      if (data.status === 'presented') {
        if (panel) panel.remove();
        panel = null;
        show(status, text('script.oid4vp.finish_elsewhere'));
      }
      if (data.status === 'refused') {
        return fail(linking ? text('script.oid4vp.not_linked') : text('script.oid4vp.declined'));
      }
    }
  }

  function fail(message) {
    if (panel) panel.remove();
    panel = null;
    show(status, '');
    show(alertBox, message);
    button.disabled = false;
  }
})();
