// Sign in with Bitcoin against Proofgate, as a dApp's backend or a script would: ask for a nonce
// bound to a native segwit address (P2WPKH, bc1q…) on mainnet, sign the exact message it comes
// with as a wallet's signMessage does (BIP-322 "simple": the witness of a virtual transaction that
// spends the address), redeem it for tokens, call the protected API.
//
//   node examples/bitcoin-login.mjs                                  # a fresh random key
//   PROOFGATE_URL=http://localhost:25000 node examples/bitcoin-login.mjs
//
// The keys and signatures are @noble/curves' and @scure/btc-signer's (both in Proofgate's own
// dependencies); only BIP-322's two virtual transactions are put together here, from the BIP.
import { createHash } from 'node:crypto';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import { RawTx, RawWitness, Script, Transaction, p2wpkh } from '@scure/btc-signer';

const base = process.env.PROOFGATE_URL ?? 'http://localhost:25000';
/** CAIP-2 id of Bitcoin mainnet: `bip122:` and the first 32 hex of its genesis block hash. */
const MAINNET = 'bip122:000000000019d6689c085ae165831e93';

const privateKey = secp256k1.utils.randomPrivateKey();
const payment = p2wpkh(secp256k1.getPublicKey(privateKey, true));

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

const sha256d = (bytes) =>
  createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();

/**
 * BIP-322 "simple" signature of `message` by the P2WPKH key: `to_spend` commits to the message's
 * tagged hash and pays the address; `to_sign` spends it to OP_RETURN, and its signed witness,
 * serialised, is the signature (base64).
 */
function signBip322(message) {
  const messageHash = schnorr.utils.taggedHash(
    'BIP0322-signed-message',
    new TextEncoder().encode(message),
  );
  const toSpend = RawTx.encode({
    version: 0,
    segwitFlag: false,
    inputs: [
      {
        txid: new Uint8Array(32),
        index: 0xffffffff,
        finalScriptSig: Script.encode(['OP_0', messageHash]),
        sequence: 0,
      },
    ],
    outputs: [{ amount: 0n, script: payment.script }],
    witnesses: [],
    lockTime: 0,
  });
  const toSign = new Transaction({ version: 0, allowUnknownOutputs: true });
  toSign.addInput({
    // A txid is the double SHA-256 of the transaction, in reversed byte order.
    txid: sha256d(toSpend).reverse(),
    index: 0,
    sequence: 0,
    witnessUtxo: { script: payment.script, amount: 0n },
  });
  toSign.addOutput({ script: Script.encode(['RETURN']), amount: 0n });
  toSign.signIdx(privateKey, 0);
  toSign.finalizeIdx(0);
  return Buffer.from(RawWitness.encode(toSign.getInput(0).finalScriptWitness)).toString('base64');
}

// 1. A nonce bound to this address and network, and the exact message to sign.
const issued = await post('/wallet/nonce', { address: payment.address, chainId: MAINNET });

// 2. The wallet's signMessage: BIP-322 simple, base64.
const signature = signBip322(issued.message);

// 3. The signed message and signature for tokens: { access_token, token_type, expires_in, refresh_token, scope }.
const tokens = await post('/wallet/verify', { message: issued.message, signature });
console.log(JSON.stringify({ address: payment.address, tokens }, null, 2));

// 4. The access token at the protected API.
const me = await call('/api/me', { headers: { authorization: `Bearer ${tokens.access_token}` } });
console.log(JSON.stringify(await me.json(), null, 2));
if (!me.ok) process.exit(1);
