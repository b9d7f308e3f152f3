/**
 * Micro-benchmark of the two CPU-bound steps of wallet login, in-process, no HTTP or database:
 * - EOA signature recovery (EIP-191 hash + ecrecover + address), native libsecp256k1 against
 *   viem, and against what /wallet/verify used before (viem's recoverMessageAddress);
 * - building the SIWE message at nonce issue, against the previous build (the library renders,
 *   then the text is parsed back twice);
 * - Sign In With Solana's Ed25519 check (issue #21): node's OpenSSL, as /wallet/verify runs it,
 *   against @noble/curves, beside SIWE's native recovery;
 * - Sign in with Bitcoin's signature check (issue #33) per address type, as /wallet/verify runs
 *   it (ECDSA by libsecp256k1, BIP-340 Schnorr by its WebAssembly build), with @noble/curves'
 *   ECDSA and Schnorr for comparison; and its BIP-322 `to_sign` sighashes, written field by field
 *   (as /wallet/verify computes them) against building `to_sign` with @scure/btc-signer's
 *   Transaction (as it did before).
 * Run: `npx ts-node --transpile-only -P tsconfig.jest.json bench/siwe-crypto.bench.ts [--n 2000] [--rounds 3]`
 */
import { SiweMessage } from '@signinwithethereum/siwe';
import { performance } from 'node:perf_hooks';
import { type Hex, hexToBytes, recoverMessageAddress } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { ed25519 } from '@noble/curves/ed25519';
import { SignatureRecovery } from '../src/wallet/siwe/signature-recovery';
import { verifyEd25519 } from '../src/wallet/siws/ed25519-signature';
import { type BitcoinAddressType, newBitcoinWallet } from '../src/lab-client/siwb-scenarios';
import { OutScript, Script, Transaction } from '@scure/btc-signer';
import {
  NOBLE_ECDSA,
  NOBLE_SCHNORR,
  bip322SighashV0,
  bip322SighashV1,
  bip322ToSpendTxid,
  readBitcoinAddress,
  verifyBitcoinSignature,
} from '../src/wallet/siwb/bitcoin-signature';
import {
  type SiweFields,
  buildSiweMessage,
  parseSiweMessage,
} from '../src/wallet/siwe/siwe-message.parser';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const N = option('--n', 2000);
/** Rounds interleave the contenders, so a busy machine slows them alike; we keep the best round. */
const ROUNDS = option('--rounds', 3);

type Contender = readonly [name: string, run: (i: number) => unknown];

async function timeRound(run: Contender[1]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < N; i++) await run(i);
  return (performance.now() - start) / N;
}

/** Per-operation milliseconds of each contender: best and median round. */
async function compare(contenders: Contender[]): Promise<number[]> {
  for (const [, run] of contenders) for (let i = 0; i < Math.min(200, N); i++) await run(i);
  const rounds: number[][] = contenders.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    for (const [c, [, run]] of contenders.entries()) rounds[c].push(await timeRound(run));
  }
  return contenders.map(([name], c) => {
    const sorted = [...rounds[c]].sort((x, y) => x - y);
    const best = sorted[0];
    const median = sorted[Math.floor(sorted.length / 2)];
    console.log(
      `${name.padEnd(56)} best ${(best * 1000).toFixed(1).padStart(8)} µs/op, median ${(median * 1000).toFixed(1).padStart(8)} µs/op`,
    );
    return best;
  });
}

function fields(i: number, address: SiweFields['address']): SiweFields {
  return {
    domain: 'localhost:25000',
    address,
    statement: 'Sign in to Proofgate',
    uri: 'http://localhost:25000',
    version: '1',
    chainId: 1,
    nonce: `n0nce${i.toString().padStart(12, '0')}`,
    issuedAt: new Date(1_767_225_600_000 + i).toISOString(),
    expirationTime: new Date(1_767_225_900_000 + i).toISOString(),
  };
}

/** nonce issue before: the library renders (and parses inside), then our parser parses again. */
function previousBuild(f: SiweFields): string {
  const text = new SiweMessage({
    ...f,
    resources: f.resources && [...f.resources],
  }).prepareMessage();
  parseSiweMessage(text);
  return text;
}

async function main(): Promise<void> {
  const accounts = Array.from({ length: 50 }, () => privateKeyToAccount(generatePrivateKey()));
  const signed: { message: string; signature: Hex }[] = [];
  for (let i = 0; i < N; i++) {
    const account = accounts[i % accounts.length];
    const message = buildSiweMessage(fields(i, account.address));
    signed.push({ message, signature: await account.signMessage({ message }) });
  }
  const native = SignatureRecovery.using('native');
  const reference = SignatureRecovery.using('viem');
  console.log(
    `node ${process.version}, ${N} operations x ${ROUNDS} rounds each; ` +
      `process default: ${SignatureRecovery.load().implementation}\n`,
  );

  const [before, viemMs, nativeMs] = await compare([
    [
      'recovery: viem recoverMessageAddress (previous path)',
      (i) => recoverMessageAddress(signed[i]),
    ],
    [
      'recovery: SignatureRecovery (viem)',
      (i) => reference.examineMessage(signed[i].message, hexToBytes(signed[i].signature)),
    ],
    [
      'recovery: SignatureRecovery (native libsecp256k1)',
      (i) => native.examineMessage(signed[i].message, hexToBytes(signed[i].signature)),
    ],
  ]);
  console.log(
    `  native: ${(before / nativeMs).toFixed(1)}x the previous path, ${(viemMs / nativeMs).toFixed(1)}x viem behind the same policy\n`,
  );

  const address = accounts[0].address;
  const [oldBuild, newBuild] = await compare([
    [
      'nonce message: library render + parse back (previous)',
      (i) => previousBuild(fields(i, address)),
    ],
    ['nonce message: buildSiweMessage (direct)', (i) => buildSiweMessage(fields(i, address))],
  ]);
  console.log(`  direct build: ${(oldBuild / newBuild).toFixed(1)}x the previous one\n`);

  const keys = Array.from({ length: 50 }, () => ed25519.utils.randomPrivateKey());
  const solana = signed.map(({ message }, i) => {
    const bytes = new TextEncoder().encode(message);
    const key = keys[i % keys.length];
    return { bytes, publicKey: ed25519.getPublicKey(key), signature: ed25519.sign(bytes, key) };
  });
  const [secp, openssl, noble] = await compare([
    [
      'SIWE: native secp256k1 recovery (as /wallet/verify)',
      (i) => native.examineMessage(signed[i].message, hexToBytes(signed[i].signature)),
    ],
    [
      'SIWS: Ed25519 verify, node:crypto (as /wallet/verify)',
      (i) => verifyEd25519(solana[i].publicKey, solana[i].bytes, solana[i].signature),
    ],
    [
      'SIWS: Ed25519 verify, @noble/curves (zip215 off)',
      (i) =>
        ed25519.verify(solana[i].signature, solana[i].bytes, solana[i].publicKey, {
          zip215: false,
        }),
    ],
  ]);
  console.log(
    `  Ed25519 (node:crypto): ${(secp / openssl).toFixed(2)}x secp256k1 recovery, ${(noble / openssl).toFixed(1)}x @noble/curves\n`,
  );

  // The same SIWE-sized text, signed by 20 wallets of each Bitcoin address type.
  const types: BitcoinAddressType[] = ['p2wpkh', 'p2sh-p2wpkh', 'p2tr', 'p2pkh'];
  const bitcoin = Object.fromEntries(
    types.map((type) => {
      const wallets = Array.from({ length: 20 }, () => newBitcoinWallet(type));
      return [
        type,
        signed.slice(0, Math.min(N, 200)).map(({ message }, i) => {
          const wallet = wallets[i % wallets.length];
          const address = readBitcoinAddress(wallet.address)!;
          return { address, message, signature: wallet.signText(message) };
        }),
      ];
    }),
  );
  const check = (
    type: BitcoinAddressType,
    i: number,
    curve?: typeof NOBLE_ECDSA,
    schnorrVerifier?: typeof NOBLE_SCHNORR,
  ) => {
    const sample = bitcoin[type][i % bitcoin[type].length];
    verifyBitcoinSignature(
      sample.address,
      sample.message,
      sample.signature,
      curve,
      schnorrVerifier,
    );
  };
  const [siwe, ...siwb] = await compare([
    [
      'SIWE: native secp256k1 recovery (as /wallet/verify)',
      (i) => native.examineMessage(signed[i].message, hexToBytes(signed[i].signature)),
    ],
    ...types.map((type): Contender => [`SIWB ${type} (as /wallet/verify)`, (i) => check(type, i)]),
    ['SIWB p2wpkh, @noble/curves ECDSA', (i) => check('p2wpkh', i, NOBLE_ECDSA)],
    ['SIWB p2tr, @noble/curves Schnorr', (i) => check('p2tr', i, undefined, NOBLE_SCHNORR)],
  ]);
  console.log(
    `  SIWB against SIWE recovery: ${types.map((type, t) => `${type} ${(siwe / siwb[t]).toFixed(2)}x`).join(', ')}\n`,
  );

  // What the BIP-322 simple checks add over the signature itself: to_spend, then to_sign's sighash.
  const samples = bitcoin.p2wpkh.map(({ address, message }) => ({
    script: address.script,
    message: Uint8Array.from(Buffer.from(message, 'utf8')),
    scriptCode: OutScript.encode({ type: 'pkh', hash: address.script.subarray(2) }),
    taproot: bitcoin.p2tr[0].address.script,
  }));
  const sample = (i: number) => samples[i % samples.length];
  /** As /wallet/verify built it before: to_sign through @scure/btc-signer's Transaction. */
  const toSignTransaction = (script: Uint8Array, message: Uint8Array) => {
    const toSign = new Transaction({ version: 0, lockTime: 0, allowUnknownOutputs: true });
    toSign.addInput({ txid: bip322ToSpendTxid(script, message), index: 0, sequence: 0 });
    toSign.addOutput({ script: Script.encode(['RETURN']), amount: 0n });
    return toSign;
  };
  await compare([
    [
      'BIP-143 sighash, field by field (as /wallet/verify)',
      (i) => {
        const { script, message, scriptCode } = sample(i);
        return bip322SighashV0(bip322ToSpendTxid(script, message).reverse(), scriptCode);
      },
    ],
    [
      'BIP-143 sighash, btc-signer Transaction (before)',
      (i) => {
        const { script, message, scriptCode } = sample(i);
        return toSignTransaction(script, message).preimageWitnessV0(0, scriptCode, 1, 0n);
      },
    ],
    [
      'BIP-341 sighash, field by field (as /wallet/verify)',
      (i) => {
        const { taproot, message } = sample(i);
        return bip322SighashV1(bip322ToSpendTxid(taproot, message).reverse(), taproot, 0);
      },
    ],
    [
      'BIP-341 sighash, btc-signer Transaction (before)',
      (i) => {
        const { taproot, message } = sample(i);
        return toSignTransaction(taproot, message).preimageWitnessV1(0, [taproot], 0, [0n]);
      },
    ],
  ]);
}

void main();
