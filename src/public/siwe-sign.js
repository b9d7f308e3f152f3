/*
 * The Sign-In with Ethereum steps the login page ("Sign in with Ethereum") and the account page
 * ("Link a wallet") share, as window.ProofgateSiwe (no dependencies but window.Proofgate,
 * /static/proofgate.js; loaded before either page's own script). `sign` asks the EIP-1193 wallet
 * for an account and chain, gets a nonce and the exact EIP-4361 message (by default from POST
 * /wallet/nonce, bound to this browser's login page; the account page asks for a link message
 * instead), and has the wallet sign it (personal_sign, EIP-191); the caller posts
 * { message, signature } where its page needs it.
 */
'use strict';

window.ProofgateSiwe = Object.freeze(
  (function () {
    const { postJson, utf8Hex } = window.Proofgate;

    const loginNonce = (address, chainId) => postJson('/wallet/nonce', { address, chainId });

    /**
     * The wallet's signature over a fresh nonce's message; `say` reports each step, `issue` asks
     * for the nonce and message (address, chainId) => Promise<{ message }>.
     */
    async function sign(ethereum, say, issue = loginNonce) {
      say('Waiting for your wallet…');
      const accounts = await ethereum.request({ method: 'eth_requestAccounts' });
      const address = Array.isArray(accounts) ? accounts[0] : undefined;
      if (typeof address !== 'string') throw new Error('The wallet did not share an account.');
      const chainId = Number.parseInt(await ethereum.request({ method: 'eth_chainId' }), 16);
      if (!Number.isSafeInteger(chainId)) throw new Error('The wallet did not name its chain.');

      const issued = await issue(address, chainId);
      say('Sign the message in your wallet…');
      const signature = await ethereum.request({
        method: 'personal_sign',
        params: [utf8Hex(issued.message), address],
      });
      return { message: issued.message, signature };
    }

    return { sign };
  })(),
);
