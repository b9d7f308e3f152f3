import { createHash } from 'node:crypto';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1';
import {
  RawTx,
  RawWitness,
  Script,
  TEST_NETWORK,
  Transaction,
  p2pkh,
  p2sh,
  p2tr,
  p2wpkh,
} from '@scure/btc-signer';
import { Outcome, errorOutcome, statusOutcome } from './expectations';
import { IssuedWalletNonce, LabWallet, WalletChain, WalletLab } from './wallet-scenarios';

/** The answer of POST /wallet/nonce for a Bitcoin network (docs/WALLET-LOGIN.md). */
export type IssuedBitcoinNonce = IssuedWalletNonce<string, string>;

export const BITCOIN_MAINNET = 'bip122:000000000019d6689c085ae165831e93';
export const BITCOIN_TESTNET = 'bip122:000000000933ea01ad0ee984209779ba';

/** The address types a Bitcoin wallet signs in with. */
export type BitcoinAddressType = 'p2wpkh' | 'p2tr' | 'p2pkh' | 'p2sh-p2wpkh';

function sha256d(...parts: Uint8Array[]): Uint8Array {
  const once = createHash('sha256');
  for (const part of parts) once.update(part);
  return Uint8Array.from(createHash('sha256').update(once.digest()).digest());
}

/**
 * BIP-322 §Full `to_spend`, as a wallet builds it (raw, with @scure/btc-signer): its one input
 * commits to the message's tagged hash, its one output is the address's script.
 */
export function bip322ToSpend(script: Uint8Array, messageHash: Uint8Array): Uint8Array {
  return RawTx.encode({
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
    outputs: [{ amount: 0n, script }],
    witnesses: [],
    lockTime: 0,
  });
}

/** BIP-322 §Full `to_sign` as a wallet builds it: it spends `to_spend`, unsigned. */
function bip322ToSign(script: Uint8Array, message: string): Transaction {
  const messageHash = schnorr.utils.taggedHash(
    'BIP0322-signed-message',
    new TextEncoder().encode(message),
  );
  const toSign = new Transaction({ version: 0, allowUnknownOutputs: true });
  toSign.addInput({
    txid: sha256d(bip322ToSpend(script, messageHash)).reverse(),
    index: 0,
    sequence: 0,
    witnessUtxo: { script, amount: 0n },
  });
  toSign.addOutput({ script: Script.encode(['RETURN']), amount: 0n });
  return toSign;
}

/** A compact-size length prefix (the lengths here are under 65536). */
function compactSize(n: number): Uint8Array {
  return n < 0xfd ? Uint8Array.of(n) : Uint8Array.of(0xfd, n & 0xff, n >> 8);
}

/**
 * A Bitcoin wallet with a fresh key, as a wallet's `signMessage` answers: BIP-322 simple (the
 * witness, signed by @scure/btc-signer's transaction signer) for segwit addresses, the legacy
 * signed-message format (Bitcoin Core's `signmessage`) for P2PKH; base64. On mainnet unless
 * `network` is testnet's.
 */
export function newBitcoinWallet(
  type: BitcoinAddressType = 'p2wpkh',
  network?: typeof TEST_NETWORK,
): LabWallet<string> & { readonly type: BitcoinAddressType; signText(message: string): string } {
  const key = secp256k1.utils.randomPrivateKey();
  const publicKey = secp256k1.getPublicKey(key, true);
  if (type === 'p2pkh') {
    const signText = (message: string) => {
      const text = new TextEncoder().encode(message);
      const magic = new TextEncoder().encode('Bitcoin Signed Message:\n');
      const hash = sha256d(compactSize(magic.length), magic, compactSize(text.length), text);
      const signature = secp256k1.sign(hash, key);
      // Header: 27 + recovery id, + 4 for a compressed key.
      const header = 31 + signature.recovery;
      return Buffer.from([header, ...signature.toCompactRawBytes()]).toString('base64');
    };
    return {
      type,
      address: p2pkh(publicKey, network).address,
      signText,
      sign: (message) => Promise.resolve(signText(message)),
    };
  }
  const xOnly = schnorr.getPublicKey(key);
  const payment =
    type === 'p2tr'
      ? p2tr(xOnly, undefined, network)
      : type === 'p2wpkh'
        ? p2wpkh(publicKey, network)
        : p2sh(p2wpkh(publicKey, network), network);
  const spending =
    type === 'p2tr'
      ? { tapInternalKey: xOnly }
      : type === 'p2sh-p2wpkh'
        ? { redeemScript: p2wpkh(publicKey, network).script }
        : {};
  const signText = (message: string) => {
    const toSign = bip322ToSign(payment.script, message);
    toSign.updateInput(0, spending);
    toSign.signIdx(key, 0);
    toSign.finalizeIdx(0);
    const witness = toSign.getInput(0).finalScriptWitness ?? [];
    return Buffer.from(RawWitness.encode(witness)).toString('base64');
  };
  return {
    type,
    address: payment.address,
    signText,
    sign: (message) => Promise.resolve(signText(message)),
  };
}

/** Bitcoin mainnet: a login's `sub` names the network by its genesis hash (CAIP-2). */
const BITCOIN: WalletChain<string, string> = {
  newWallet: () => newBitcoinWallet('p2wpkh'),
  defaultChainId: BITCOIN_MAINNET,
  authMethod: 'siwb',
  subject: (address) => `${BITCOIN_MAINNET}:${address}`,
  subjectText: 'bip122:<mainnet genesis>:<address>',
};

const HEADER_SUFFIX = ' wants you to sign in with your Bitcoin account:';

/**
 * A Bitcoin dApp with its wallets (Sign in with Bitcoin, CAIP-122, BIP-322), over HTTP only: its
 * messages are written here from the CAIP-122 template, never with the service's code.
 */
export class SiwbLab extends WalletLab<string, string, IssuedBitcoinNonce> {
  protected readonly chain = BITCOIN;

  /** The issued message with some fields changed, written line by line (CAIP-122). */
  rebuild(
    issued: IssuedBitcoinNonce,
    changes: { address?: string; chainId?: string; statement?: string },
  ): string {
    return [
      `${issued.domain}${HEADER_SUFFIX}`,
      changes.address ?? issued.address,
      '',
      // CAIP-122 layout: header, address, a blank line, then the statement.
      changes.statement ?? issued.message.split('\n')[3],
      '',
      `URI: ${issued.uri}`,
      'Version: 1',
      `Chain ID: ${changes.chainId ?? issued.chainId}`,
      `Nonce: ${issued.nonce}`,
      `Issued At: ${issued.issuedAt}`,
    ].join('\n');
  }

  // --- scenarios of Bitcoin's own (the shared ones are WalletLab's) --------------------------

  /** Each address type signs in: P2TR (BIP-322 simple, Schnorr) and P2PKH (the legacy format). */
  async loginWith(type: BitcoinAddressType): Promise<Outcome> {
    const wallet = newBitcoinWallet(type);
    const issued = await this.nonceFor(wallet);
    const reply = await this.verify(issued.message, wallet.signText(issued.message));
    return statusOutcome('/wallet/verify', reply, 200);
  }

  /** A testnet address asking for a mainnet nonce: refused before any nonce is issued. */
  async testnetAddressOnMainnet(): Promise<Outcome> {
    const wallet = newBitcoinWallet('p2wpkh', TEST_NETWORK);
    const reply = await this.http.post('/wallet/nonce', {
      json: { address: wallet.address, chainId: BITCOIN_MAINNET, client_id: 'wallet' },
    });
    return errorOutcome(reply, { status: 400, error: 'invalid_request' });
  }

  /** The signed message with another statement: the signature was for the issued text. */
  tamperedMessage(): Promise<Outcome> {
    return this.signedThenTampered((issued) =>
      this.rebuild(issued, { statement: 'Sign in to Proofgate, and approve a transfer' }),
    );
  }

  /** A signature in hex, as an Ethereum wallet would write it: not base64, a malformed request. */
  async hexSignature(): Promise<Outcome> {
    const wallet = this.newWallet();
    const issued = await this.nonceFor(wallet);
    const signature = Buffer.from(await wallet.sign(issued.message), 'base64').toString('hex');
    return errorOutcome(await this.verify(issued.message, `0x${signature}=`), {
      status: 400,
      error: 'invalid_request',
    });
  }
}
