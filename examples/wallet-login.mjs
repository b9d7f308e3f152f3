// Sign in with Ethereum against Proofgate, as a dApp's backend or a script would:
// ask for a nonce bound to the address, sign the EIP-4361 message it comes with, redeem it
// for tokens, call the protected API.
//
//   node examples/wallet-login.mjs                       # a fresh random key
//   KEY=0x<64 hex> PROOFGATE_URL=http://localhost:25000 node examples/wallet-login.mjs
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';

const base = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
const account = privateKeyToAccount(process.env.KEY ?? generatePrivateKey());

/** fetch, or one line on how to start a Proofgate when none answers. */
async function call(path, init) {
  try {
    return await fetch(new URL(path, base), init);
  } catch (error) {
    console.error(
      `No Proofgate answers at ${base} (${error.cause?.code ?? error.cause?.message ?? error.message}): start one with \`npm start\`, or set PROOFGATE_URL.`,
    );
    process.exit(1);
  }
}

/** POSTs JSON; the answer's JSON, or the process ends with the error envelope. */
async function post(path, body) {
  const response = await call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) {
    console.error(`${path}: ${response.status} ${json.error}: ${json.error_description}`);
    process.exit(1);
  }
  return json;
}

// 1. A nonce bound to this address and chain, and the exact message to sign.
const issued = await post('/wallet/nonce', { address: account.address, chainId: 1 });

// 2. EIP-191 personal_sign of that message, by the wallet's key.
const signature = await account.signMessage({ message: issued.message });

// 3. The signed message and signature for tokens: { access_token, token_type, expires_in, refresh_token, scope }.
const tokens = await post('/wallet/verify', { message: issued.message, signature });
console.log(JSON.stringify({ address: account.address, tokens }, null, 2));

// 4. The access token at the protected API.
const me = await call('/api/me', { headers: { authorization: `Bearer ${tokens.access_token}` } });
console.log(JSON.stringify(await me.json(), null, 2));
if (!me.ok) process.exit(1);
