/*
 * The Sign-In with Ethereum steps the login page ("Sign in with Ethereum") and the account page
 * ("Link a wallet") share, as window.ProofgateSiwe (no dependencies; loaded before either page's
 * own script). `sign` asks the EIP-1193 wallet for an account and chain, gets a nonce and the
 * exact EIP-4361 message from POST /wallet/nonce, and has the wallet sign it (personal_sign,
 * EIP-191); the caller posts { message, signature } where its page needs it.
 */
'use strict';

window.ProofgateSiwe = Object.freeze(
  (function () {
    /** personal_sign takes the message as 0x-prefixed hex of its UTF-8 bytes. */
    function utf8Hex(text) {
      let hex = '0x';
      for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
      return hex;
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

    /** What to tell the user of a failure; `fallback` when nothing better is known. */
    function describe(error, fallback) {
      // EIP-1193: 4001 is the user rejecting the request in the wallet.
      if (error && error.code === 4001) return 'You cancelled the request in your wallet.';
      if (error && typeof error.message === 'string' && error.message) return error.message;
      return fallback;
    }

    /** The wallet's signature over a fresh nonce's message; `say` reports each step. */
    async function sign(ethereum, say) {
      say('Waiting for your wallet…');
      const accounts = await ethereum.request({ method: 'eth_requestAccounts' });
      const address = Array.isArray(accounts) ? accounts[0] : undefined;
      if (typeof address !== 'string') throw new Error('The wallet did not share an account.');
      const chainId = Number.parseInt(await ethereum.request({ method: 'eth_chainId' }), 16);
      if (!Number.isSafeInteger(chainId)) throw new Error('The wallet did not name its chain.');

      const issued = await postJson('/wallet/nonce', { address, chainId });
      say('Sign the message in your wallet…');
      const signature = await ethereum.request({
        method: 'personal_sign',
        params: [utf8Hex(issued.message), address],
      });
      return { message: issued.message, signature };
    }

    return { sign, postJson, describe };
  })(),
);
