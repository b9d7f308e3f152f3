/*
 * The demo dApp (GET /demo/wallet), no dependencies but window.Proofgate and the wallet chains'
 * own scripts (`/static/<id>-wallet.js`, each registering its chain: how its wallets are found,
 * connected, and sign the exact text of a message). A connect button per chain
 * (`#connect-<id>`, rendered by the page for every wallet proof of the registry). Signing in:
 * POST /wallet/nonce with client_id `wallet` (a client-bound nonce: only POST /wallet/verify for
 * that client redeems its signature, never the login page or linking), the wallet's signature of
 * the issued text, POST /wallet/verify for tokens, then GET /api/me with the access token. Sign
 * out: POST /revoke with the refresh token (RFC 7009: it ends the whole grant), then shows that
 * /api/me refuses the old access token. Tokens are kept in this closure only, never in
 * localStorage or cookies.
 */
'use strict';

(function () {
  const WALLET_CLIENT_ID = 'wallet';
  const { show, postJson: post, describe, onWalletChain } = window.Proofgate;
  const byId = (id) => document.getElementById(id);
  const demo = byId('demo');
  if (!demo) return;

  const ui = {
    error: byId('demo-error'),
    walletStatus: byId('wallet-status'),
    sessionStatus: byId('session-status'),
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

  /** In memory only. `connected`: the chain, its wallet's address and network, and how it signs. */
  let connected = null;
  let session = null;
  let countdown = null;

  /** Each registered chain with a button on this page, and the wallet found for it (or null). */
  const chains = [];

  onWalletChain((chain) => {
    const button = byId(`connect-${chain.id}`);
    if (!button) return;
    const entry = { chain, button, found: null };
    chains.push(entry);
    const look = () => {
      entry.found = chain.find();
      button.textContent = entry.found
        ? `Connect ${chain.name} wallet`
        : `No ${chain.name} wallet found in this browser`;
      render();
    };
    // A wallet may register later (Wallet Standard, EIP-6963): look again then.
    if (chain.watch) chain.watch(look);
    look();
    button.addEventListener('click', () => void run(button, () => connect(entry)));
  });

  if (chains.every((entry) => entry.found === null)) {
    ui.walletStatus.textContent = `Install a browser wallet (${chains.map((entry) => entry.chain.name).join(', ')}) to try the demo.`;
  }
  ui.signIn.addEventListener('click', () => void run(ui.signIn, signIn));
  ui.signOut.addEventListener('click', () => void run(ui.signOut, signOut));

  /** Runs one button's action with the button disabled meanwhile, reporting any failure. */
  async function run(button, action) {
    show(ui.error, '');
    button.disabled = true;
    try {
      await action();
    } catch (error) {
      show(ui.error, describe(error, 'Something went wrong.'));
      if (session === null) ui.sessionStatus.textContent = 'Signed out.';
    } finally {
      render();
    }
  }

  function render() {
    for (const { button, found } of chains) button.disabled = found === null || connected !== null;
    ui.signIn.disabled = connected === null || session !== null;
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

  /** The demo stands for a third-party dApp: it sends no cookies of this origin. */
  function postJson(path, payload) {
    return post(path, payload, { credentials: 'omit' });
  }

  function getMe(accessToken) {
    return call('/api/me', { headers: { authorization: `Bearer ${accessToken}` } });
  }

  /** Asks the chain's wallet for its account; the demo then signs in with it. */
  async function connect({ chain, found }) {
    const wallet = await chain.connect(found);
    connected = { chain, ...wallet };
    ui.walletStatus.textContent = `Connected${wallet.shown ? ` (${wallet.shown})` : ''}: ${wallet.address}`;
    ui.walletStatus.className = '';
  }

  /** The nonce's exact message, signed by the connected wallet as its chain does. */
  async function signIssued() {
    const issued = await postJson('/wallet/nonce', {
      address: connected.address,
      chainId: connected.chainId,
      client_id: WALLET_CLIENT_ID,
    });
    ui.sessionStatus.textContent = 'Sign the message in your wallet…';
    return { issued, signature: await connected.sign(issued.message) };
  }

  async function signIn() {
    const { issued, signature } = await signIssued();
    const tokens = await postJson('/wallet/verify', {
      message: issued.message,
      signature,
      client_id: WALLET_CLIENT_ID,
    });
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
