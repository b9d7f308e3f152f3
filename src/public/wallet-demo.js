/*
 * The demo dApp (GET /demo/wallet), no dependencies, for an Ethereum, a Solana or a Bitcoin wallet.
 * Ethereum: the provider an EIP-6963 wallet announces, else window.ethereum (EIP-1193);
 * eth_requestAccounts, then personal_sign of the EIP-4361 message. Solana: a wallet found by
 * Wallet Standard discovery; standard:connect, then solana:signMessage of the exact Sign In With
 * Solana text. Bitcoin: the wallet Proofgate.findBitcoin finds (UniSat's interface, a Wallet
 * Standard wallet, sats-connect's provider, Leather's); its account, then a signature of the exact
 * Sign in with Bitcoin text (BIP-322 simple, legacy for P2PKH). Each way: POST /wallet/nonce with client_id `wallet` (a client-bound nonce: only
 * POST /wallet/verify for that client redeems its signature, never the login page or linking),
 * POST /wallet/verify for tokens, then GET /api/me
 * with the access token. Sign out: POST /revoke with the refresh token (RFC 7009: it ends the
 * whole grant), then shows that /api/me refuses the old access token. Tokens are kept in this
 * closure only, never in localStorage or cookies.
 */
'use strict';

(function () {
  const WALLET_CLIENT_ID = 'wallet';
  const { show, postJson: post, describe, utf8Hex, base64 } = window.Proofgate;
  const { findEthereum, discoverSolanaWallets, connectSolana: connectWallet } = window.Proofgate;
  const { findBitcoin, connectBitcoin: connectBitcoinWallet } = window.Proofgate;
  const byId = (id) => document.getElementById(id);
  const demo = byId('demo');
  if (!demo) return;

  const ui = {
    error: byId('demo-error'),
    walletStatus: byId('wallet-status'),
    sessionStatus: byId('session-status'),
    connect: byId('connect'),
    connectSolana: byId('connect-solana'),
    connectBitcoin: byId('connect-bitcoin'),
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

  /** In memory only. `connected`: { kind: 'ethereum', address }, { kind: 'solana', ... } or { kind: 'bitcoin', ... }. */
  let connected = null;
  let session = null;
  let countdown = null;

  const ethereum = findEthereum();
  const solanaWallets = discoverSolanaWallets(render);
  // A Wallet Standard wallet may register after this script ran: look again then.
  let bitcoin = findBitcoin(() => {
    bitcoin = findBitcoin();
    if (bitcoin) ui.connectBitcoin.textContent = 'Connect Bitcoin wallet';
    render();
  });

  if (!ethereum) ui.connect.textContent = 'No Ethereum wallet found in this browser';
  if (solanaWallets.length === 0) {
    ui.connectSolana.textContent = 'No Solana wallet found in this browser';
  }
  if (!bitcoin) ui.connectBitcoin.textContent = 'No Bitcoin wallet found in this browser';
  if (!ethereum && solanaWallets.length === 0 && !bitcoin) {
    ui.walletStatus.textContent =
      'Install a browser wallet (EIP-1193 for Ethereum, Wallet Standard for Solana, a Wallet Standard, UniSat-style, sats-connect or Leather wallet for Bitcoin) to try the demo.';
  }
  ui.connect.addEventListener('click', () => void run(ui.connect, connectEthereum));
  ui.connectSolana.addEventListener('click', () => void run(ui.connectSolana, connectSolana));
  ui.connectBitcoin.addEventListener('click', () => void run(ui.connectBitcoin, connectBitcoin));
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
    ui.connect.disabled = !ethereum || connected !== null;
    ui.connectSolana.disabled = solanaWallets.length === 0 || connected !== null;
    ui.connectBitcoin.disabled = !bitcoin || connected !== null;
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

  async function connectEthereum() {
    const accounts = await ethereum.request({ method: 'eth_requestAccounts' });
    if (!Array.isArray(accounts) || typeof accounts[0] !== 'string') {
      throw new Error('The wallet did not share an account.');
    }
    connected = { kind: 'ethereum', address: accounts[0] };
    ui.walletStatus.textContent = `Connected: ${connected.address}`;
    ui.walletStatus.className = '';
  }

  async function connectSolana() {
    const wallet = solanaWallets[0];
    const { account, chainId } = await connectWallet(wallet);
    connected = { kind: 'solana', address: account.address, wallet, account, chainId };
    ui.walletStatus.textContent = `Connected (${wallet.name}, ${chainId}): ${account.address}`;
    ui.walletStatus.className = '';
  }

  async function connectBitcoin() {
    const { address, chainId, sign } = await connectBitcoinWallet(bitcoin);
    connected = { kind: 'bitcoin', address, chainId, sign };
    ui.walletStatus.textContent = `Connected (${chainId}): ${address}`;
    ui.walletStatus.className = '';
  }

  /** The nonce's exact message, signed by the connected wallet as its chain does. */
  async function signIssued() {
    if (connected.kind === 'bitcoin') {
      const { address, chainId, sign } = connected;
      const issued = await postJson('/wallet/nonce', {
        address,
        chainId,
        client_id: WALLET_CLIENT_ID,
      });
      ui.sessionStatus.textContent = 'Sign the message in your wallet…';
      return { issued, signature: await sign(issued.message) };
    }
    if (connected.kind === 'solana') {
      const { wallet, account, address, chainId } = connected;
      const issued = await postJson('/wallet/nonce', {
        address,
        chainId,
        client_id: WALLET_CLIENT_ID,
      });
      ui.sessionStatus.textContent = 'Sign the message in your wallet…';
      const message = new TextEncoder().encode(issued.message);
      const [signed] = await wallet.features['solana:signMessage'].signMessage({
        account,
        message,
      });
      return { issued, signature: base64(signed.signature) };
    }
    const chainId = Number.parseInt(await ethereum.request({ method: 'eth_chainId' }), 16);
    if (!Number.isSafeInteger(chainId)) throw new Error('The wallet did not name its chain.');
    const issued = await postJson('/wallet/nonce', {
      address: connected.address,
      chainId,
      client_id: WALLET_CLIENT_ID,
    });
    ui.sessionStatus.textContent = 'Sign the message in your wallet…';
    const signature = await ethereum.request({
      method: 'personal_sign',
      params: [utf8Hex(issued.message), connected.address],
    });
    return { issued, signature };
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
