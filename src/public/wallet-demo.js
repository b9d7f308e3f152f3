/*
 * The demo dApp (GET /demo/wallet), no dependencies. Connect: eth_requestAccounts. Sign in:
 * POST /wallet/nonce, personal_sign of the EIP-4361 message, POST /wallet/verify for tokens, then
 * GET /api/me with the access token. Sign out: POST /revoke with the refresh token (RFC 7009: it
 * ends the whole grant), then shows that /api/me refuses the old access token. Tokens are kept in
 * this closure only, never in localStorage or cookies.
 */
'use strict';

(function () {
  const WALLET_CLIENT_ID = 'wallet';
  const byId = (id) => document.getElementById(id);
  const demo = byId('demo');
  if (!demo) return;

  const ui = {
    error: byId('demo-error'),
    walletStatus: byId('wallet-status'),
    sessionStatus: byId('session-status'),
    connect: byId('connect'),
    signIn: byId('sign-in'),
    signOut: byId('sign-out'),
    identity: byId('identity'),
    me: byId('me'),
    accessExpiresAt: byId('access-expires-at'),
    accessRemaining: byId('access-remaining'),
    refreshExpiresAt: byId('refresh-expires-at'),
    refreshRemaining: byId('refresh-remaining'),
    afterSignOut: byId('after-sign-out'),
    revocation: byId('revocation'),
    oldTokenAnswer: byId('old-token-answer'),
  };
  const refreshTtlSeconds = Number(demo.dataset.refreshTtlSeconds);

  /** In memory only. */
  let address = null;
  let session = null;
  let countdown = null;

  const ethereum = window.ethereum;
  if (!ethereum || typeof ethereum.request !== 'function') {
    ui.connect.textContent = 'No Ethereum wallet found in this browser';
    ui.walletStatus.textContent = 'Install a browser wallet (EIP-1193) to try the demo.';
    return;
  }
  ui.connect.disabled = false;
  ui.connect.addEventListener('click', () => void run(ui.connect, connect));
  ui.signIn.addEventListener('click', () => void run(ui.signIn, signIn));
  ui.signOut.addEventListener('click', () => void run(ui.signOut, signOut));

  function showError(text) {
    ui.error.textContent = text;
    ui.error.hidden = text === '';
  }

  /** Runs one button's action with the button disabled meanwhile, reporting any failure. */
  async function run(button, action) {
    showError('');
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      // EIP-1193: 4001 is the user rejecting the request in the wallet.
      if (error && error.code === 4001) showError('You cancelled the request in your wallet.');
      else showError((error && error.message) || 'Something went wrong.');
      if (session === null) ui.sessionStatus.textContent = 'Signed out.';
    } finally {
      render();
    }
  }

  function render() {
    ui.connect.disabled = address !== null;
    ui.signIn.disabled = address === null || session !== null;
    ui.signOut.disabled = session === null;
    // Outlined only while usable: the stylesheet greys disabled buttons as filled ones.
    ui.signOut.classList.toggle('secondary', session !== null);
    ui.identity.hidden = session === null;
  }

  /** fetch, answering the status and the parsed JSON body (or null). */
  async function call(path, init) {
    const response = await fetch(path, { credentials: 'omit', ...init });
    const body = await response.json().catch(() => null);
    return { status: response.status, body };
  }

  async function postJson(path, payload) {
    const { status, body } = await call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
    });
    if (status < 200 || status > 299) {
      throw new Error((body && body.error_description) || `${path} answered ${status}.`);
    }
    return body;
  }

  function getMe(accessToken) {
    return call('/api/me', { headers: { authorization: `Bearer ${accessToken}` } });
  }

  /** personal_sign takes the message as 0x-prefixed hex of its UTF-8 bytes. */
  function utf8Hex(text) {
    let hex = '0x';
    for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
    return hex;
  }

  async function connect() {
    const accounts = await ethereum.request({ method: 'eth_requestAccounts' });
    if (!Array.isArray(accounts) || typeof accounts[0] !== 'string') {
      throw new Error('The wallet did not share an account.');
    }
    address = accounts[0];
    ui.walletStatus.textContent = `Connected: ${address}`;
    ui.walletStatus.className = '';
  }

  async function signIn() {
    const chainId = Number.parseInt(await ethereum.request({ method: 'eth_chainId' }), 16);
    if (!Number.isSafeInteger(chainId)) throw new Error('The wallet did not name its chain.');
    const issued = await postJson('/wallet/nonce', { address, chainId });
    ui.sessionStatus.textContent = 'Sign the message in your wallet…';
    const signature = await ethereum.request({
      method: 'personal_sign',
      params: [utf8Hex(issued.message), address],
    });
    const tokens = await postJson('/wallet/verify', { message: issued.message, signature });
    const now = Date.now();
    session = {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      accessExpiresAt: now + tokens.expires_in * 1000,
      refreshExpiresAt: Number.isFinite(refreshTtlSeconds) ? now + refreshTtlSeconds * 1000 : null,
    };
    ui.afterSignOut.hidden = true;

    const me = await getMe(session.accessToken);
    if (me.status !== 200) throw new Error(`/api/me answered ${me.status}.`);
    ui.me.textContent = JSON.stringify(me.body, null, 2);
    // CAIP-10 ids are long; the full one is in the /api/me answer below and in the tooltip.
    const sub = String(me.body.sub);
    ui.sessionStatus.textContent = `Signed in as ${sub.length > 30 ? `${sub.slice(0, 19)}…${sub.slice(-4)}` : sub}`;
    ui.sessionStatus.title = sub;
    ui.sessionStatus.className = '';
    startCountdown();
  }

  async function signOut() {
    const old = session;
    const revoked = await call('/revoke', {
      method: 'POST',
      // RFC 7009 §2.1: form-encoded; `wallet` is a public client (auth method none).
      body: new URLSearchParams({ token: old.refreshToken, client_id: WALLET_CLIENT_ID }),
    });
    if (revoked.status !== 200) {
      throw new Error((revoked.body && revoked.body.error_description) || 'Revocation failed.');
    }
    session = null;
    stopCountdown();
    ui.me.textContent = '';
    ui.sessionStatus.textContent = 'Signed out.';
    ui.sessionStatus.title = '';
    ui.sessionStatus.className = 'muted';

    // Revoking the refresh token ended the grant, so its access token must be refused now.
    const answer = await getMe(old.accessToken);
    ui.revocation.textContent =
      answer.status === 200
        ? 'The old access token is still accepted by GET /api/me.'
        : `The old access token is refused by GET /api/me: ${answer.status}.`;
    ui.oldTokenAnswer.textContent = JSON.stringify(answer.body, null, 2);
    ui.afterSignOut.hidden = false;
  }

  function remaining(at, now) {
    const seconds = Math.max(0, Math.round((at - now) / 1000));
    if (seconds >= 86400)
      return `${Math.floor(seconds / 86400)} d ${Math.floor((seconds % 86400) / 3600)} h`;
    const minutes = Math.floor(seconds / 60);
    return `${minutes}:${String(seconds % 60).padStart(2, '0')}`;
  }

  function tick() {
    if (!session) return;
    const now = Date.now();
    ui.accessExpiresAt.textContent = new Date(session.accessExpiresAt).toLocaleString();
    ui.accessRemaining.textContent =
      session.accessExpiresAt > now ? remaining(session.accessExpiresAt, now) : 'expired';
    if (session.refreshExpiresAt === null) {
      ui.refreshExpiresAt.textContent = 'not disclosed';
      ui.refreshRemaining.textContent = '';
    } else {
      ui.refreshExpiresAt.textContent = new Date(session.refreshExpiresAt).toLocaleString();
      ui.refreshRemaining.textContent = remaining(session.refreshExpiresAt, now);
    }
  }

  function startCountdown() {
    stopCountdown();
    tick();
    countdown = window.setInterval(tick, 1000);
  }

  function stopCountdown() {
    if (countdown !== null) window.clearInterval(countdown);
    countdown = null;
    for (const cell of [
      ui.accessExpiresAt,
      ui.accessRemaining,
      ui.refreshExpiresAt,
      ui.refreshRemaining,
    ]) {
      cell.textContent = '';
    }
  }

  render();
})();
