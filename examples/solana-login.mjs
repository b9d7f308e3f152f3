// Sign In With Solana against Proofgate, as a dApp's backend or a script would: ask for a nonce
// bound to the address and the cluster, sign the exact message it comes with (Ed25519, as a
// wallet's signMessage does), redeem it for tokens, call the protected API.
//
//   node examples/solana-login.mjs                       # a fresh random key
//   PROOFGATE_URL=http://localhost:25000 node examples/solana-login.mjs
import { generateKeyPairSync, sign } from 'node:crypto';
import bs58 from 'bs58';

const base = process.env.PROOFGATE_URL ?? 'http://localhost:25000';

// A Solana address is the base58 of the 32-byte Ed25519 public key.
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const address = bs58.encode(Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url'));

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

// 1. A nonce bound to this address and cluster, and the exact message to sign.
const issued = await post('/wallet/nonce', { address, chainId: 'solana:mainnet' });

// 2. The Ed25519 signature of the message's UTF-8 bytes, in base58 as Solana wallets return it.
const signature = bs58.encode(sign(null, Buffer.from(issued.message, 'utf8'), privateKey));

// 3. The signed message and signature for tokens: { access_token, token_type, expires_in, refresh_token, scope }.
const tokens = await post('/wallet/verify', { message: issued.message, signature });
console.log(JSON.stringify({ address, tokens }, null, 2));

// 4. The access token at the protected API.
const me = await call('/api/me', { headers: { authorization: `Bearer ${tokens.access_token}` } });
console.log(JSON.stringify(await me.json(), null, 2));
if (!me.ok) process.exit(1);
