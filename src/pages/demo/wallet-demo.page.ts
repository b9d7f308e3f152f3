import { ENGLISH_ONLY, escapeHtml, renderPage } from '../../platform/http/html';
import type { PageWallet } from '../../proofs/proof-descriptor';
import { wordList } from '../../platform/text/word-list';

export const WALLET_DEMO_SCRIPT = '/static/wallet-demo.js';

export interface WalletDemoView {
  /** Absolute lifetime of a refresh-token family: the response of /wallet/verify does not say. */
  readonly refreshTokenTtlSeconds: number;
}

/**
 * A minimal dApp on Proofgate's own origin (the CSP's connect-src is 'self'): connect a wallet of
 * any chain of the proof registry (a button per chain, driven by the chain's own script), sign in
 * at POST /wallet/verify, call GET /api/me, sign out at POST /revoke. Its script keeps the tokens
 * in memory only.
 */
export function renderWalletDemoPage(view: WalletDemoView, wallets: readonly PageWallet[]): string {
  const chains = wordList(
    wallets.map(({ wallet }) => wallet.chain),
    'or',
  );
  // Each enabled by the chain's script once the browser has such a wallet.
  const connect = wallets
    .map(
      ({ id, wallet }) =>
        `<button type="button" id="connect-${escapeHtml(id)}" disabled>Connect ${escapeHtml(wallet.chain)} wallet</button>`,
    )
    .join('\n');
  return renderPage({
    title: 'Wallet dApp demo',
    locale: ENGLISH_ONLY,
    scripts: [...wallets.map(({ wallet }) => wallet.script), WALLET_DEMO_SCRIPT],
    body: `<h1>Wallet dApp demo</h1>
<p class="muted">A dApp signing in with a wallet (${escapeHtml(chains)}): it gets a nonce bound to the wallet's address and chain, has the wallet sign the message, and trades the signature for tokens at <code>POST /wallet/verify</code>. The tokens live in this page's memory only.</p>
<p id="demo-error" role="alert" hidden></p>
<div class="grid" id="demo" data-refresh-ttl-seconds="${view.refreshTokenTtlSeconds}">
<section>
<h2>Wallet</h2>
<div class="card">
<p id="wallet-status" class="muted">Not connected.</p>
<p>${connect}</p>
</div>
</section>
<section>
<h2>Session</h2>
<div class="card">
<p id="session-status" class="muted">Signed out.</p>
<p><button type="button" id="sign-in" disabled>Sign in</button>
<button type="button" id="sign-out" disabled>Sign out</button></p>
</div>
</section>
</div>
<section id="identity" hidden>
<h2>GET /api/me</h2>
<div class="card">
<pre id="me"></pre>
<table>
<thead><tr><th>Token</th><th>Expires at</th><th>Remaining</th></tr></thead>
<tbody>
<tr><td>Access token (JWT)</td><td id="access-expires-at"></td><td id="access-remaining"></td></tr>
<tr><td>Refresh token (opaque, rotates on use)</td><td id="refresh-expires-at"></td><td id="refresh-remaining"></td></tr>
</tbody>
</table>
</div>
</section>
<section id="after-sign-out" hidden>
<h2>After sign-out</h2>
<div class="card">
<p id="revocation"></p>
<pre id="old-token-answer"></pre>
</div>
</section>`,
  });
}
