/*
 * Bitcoin's side of the pages' wallet buttons (the login page, the demo dApp), registered with
 * window.Proofgate as the `siwb` chain (no dependencies but window.Proofgate; the CSP allows no
 * inline script). The wallets: UniSat's interface (`window.unisat`, OKX's), a Wallet Standard
 * wallet (`bitcoin:signMessage`, or sats-connect's provider as Xverse registers), sats-connect's
 * injected provider, Leather's. Signing is the wallet's message signature of the exact Sign in
 * with Bitcoin text, base64: BIP-322 simple, or the legacy format for a 1… address.
 */
'use strict';

(function () {
  const { addWalletChain, discoverWallets, sameBytes, base64, text } = window.Proofgate;

  /** Sign in with Bitcoin's networks, by CAIP-2 id. */
  const BITCOIN_CHAINS = Object.freeze({
    mainnet: 'bip122:000000000019d6689c085ae165831e93',
    testnet: 'bip122:000000000933ea01ad0ee984209779ba',
  });

  /** The network a Bitcoin address is of: testnet's prefixes (tb1…, m…, n…, 2…), else mainnet. */
  function bitcoinChainOf(address) {
    return /^(tb1|[mn2])/.test(address) ? BITCOIN_CHAINS.testnet : BITCOIN_CHAINS.mainnet;
  }

  /**
   * A wallet's JSON-RPC answer (sats-connect's and Leather's `request(method, params)`): its
   * `result`, or an Error with its message; a user's refusal (sats-connect's -32000, Leather's
   * 4001) is told as EIP-1193's 4001, which describe() words.
   */
  async function walletRpc(provider, method, params) {
    const refused = (answer) => {
      const error = (answer && answer.error) || answer || {};
      const failure = new Error(
        typeof error.message === 'string' && error.message
          ? error.message
          : text('script.wallet.refused', { method }),
      );
      if (error.code === -32000 || error.code === 4001) failure.code = 4001;
      return failure;
    };
    let answer;
    try {
      answer = await provider.request(method, params);
    } catch (error) {
      throw refused(error);
    }
    if (!answer || answer.error || answer.result === undefined) throw refused(answer);
    return answer.result;
  }

  /**
   * sats-connect (Xverse and the wallets that speak it, `window.XverseProviders.BitcoinProvider`
   * or `window.BitcoinProvider`): getAccounts for the payment address, then signMessage of the
   * exact text, BIP-322 (ECDSA, the legacy format, only for a 1… address: sats-connect would
   * otherwise sign ECDSA for P2WPKH and P2SH, which BIP-322 does not accept there).
   */
  async function connectSatsConnect(provider) {
    const accounts = await walletRpc(provider, 'getAccounts', {
      purposes: ['payment'],
      message: text('script.sign_in'),
    });
    const account = Array.isArray(accounts)
      ? accounts.find((item) => item && item.purpose === 'payment') || accounts[0]
      : undefined;
    const address = account && account.address;
    if (typeof address !== 'string') throw new Error(text('script.wallet.no_account'));
    const protocol = /^[1mn]/.test(address) ? 'ECDSA' : 'BIP322';
    return {
      address,
      chainId: bitcoinChainOf(address),
      sign: async (message) =>
        (await walletRpc(provider, 'signMessage', { address, message, protocol })).signature,
    };
  }

  /** Leather (`window.LeatherProvider`): getAddresses, its native segwit (else taproot) one, signMessage (BIP-322). */
  async function connectLeather(provider) {
    const { addresses } = await walletRpc(provider, 'getAddresses');
    const bitcoin = (Array.isArray(addresses) ? addresses : []).filter(
      (item) => item && item.symbol === 'BTC' && typeof item.address === 'string',
    );
    const account =
      bitcoin.find((item) => item.type === 'p2wpkh') ||
      bitcoin.find((item) => item.type === 'p2tr');
    if (!account) throw new Error(text('script.wallet.no_chain_account', { chain: 'Bitcoin' }));
    return {
      address: account.address,
      chainId: bitcoinChainOf(account.address),
      sign: async (message) =>
        (await walletRpc(provider, 'signMessage', { message, paymentType: account.type }))
          .signature,
    };
  }

  /**
   * A Wallet Standard wallet that signs Bitcoin messages: one that carries sats-connect's
   * provider (feature `sats-connect:`, as Xverse registers), or has `bitcoin:connect` and
   * `bitcoin:signMessage` (the Bitcoin extension of the Wallet Standard).
   */
  function signsBitcoin(wallet) {
    const features = wallet && wallet.features;
    if (!features) return false;
    const satsConnect = features['sats-connect:'];
    if (satsConnect && satsConnect.provider && typeof satsConnect.provider.request === 'function') {
      return true;
    }
    return !!features['bitcoin:connect'] && !!features['bitcoin:signMessage'];
  }

  /** bitcoin:connect for a payment address, then bitcoin:signMessage of the text's UTF-8 bytes. */
  async function connectStandardBitcoin(wallet) {
    const satsConnect = wallet.features['sats-connect:'];
    if (satsConnect && satsConnect.provider) return connectSatsConnect(satsConnect.provider);
    const { accounts } = await wallet.features['bitcoin:connect'].connect({
      purposes: ['payment'],
    });
    const account = accounts && accounts[0];
    if (!account || typeof account.address !== 'string') {
      throw new Error(text('script.wallet.no_account'));
    }
    return {
      address: account.address,
      chainId: bitcoinChainOf(account.address),
      sign: async (message) => {
        const bytes = new TextEncoder().encode(message);
        const [output] = await wallet.features['bitcoin:signMessage'].signMessage({
          account,
          message: bytes,
        });
        // The text as issued, byte for byte, or no signature at all.
        const signed = output && output.signedMessage;
        if (signed && !sameBytes(signed, bytes)) {
          throw new Error(text('script.wallet.signed_other'));
        }
        return base64(output.signature);
      },
    };
  }

  /** The Wallet Standard's Bitcoin wallets, and who wants to hear of more. */
  const watchers = [];
  const standardWallets = discoverWallets(signsBitcoin, () =>
    watchers.forEach((changed) => changed()),
  );

  /**
   * The Bitcoin wallet this browser has, as a handle for connect, else null. Looked for,
   * in this order: UniSat's interface (`window.unisat`, which OKX's `window.okxwallet.bitcoin`
   * shares), a Wallet Standard wallet (`wallet-standard:app-ready` / `register-wallet`),
   * sats-connect's provider (Xverse), Leather's.
   */
  function find() {
    if (window.unisat && typeof window.unisat.signMessage === 'function') {
      return { kind: 'unisat', provider: window.unisat };
    }
    const okx = window.okxwallet && window.okxwallet.bitcoin;
    if (okx && typeof okx.signMessage === 'function') return { kind: 'unisat', provider: okx };
    if (standardWallets.length) {
      return { kind: 'standard', wallet: standardWallets[0] };
    }
    const satsConnect =
      (window.XverseProviders && window.XverseProviders.BitcoinProvider) || window.BitcoinProvider;
    if (satsConnect && typeof satsConnect.request === 'function') {
      return { kind: 'sats-connect', provider: satsConnect };
    }
    const leather = window.LeatherProvider;
    if (leather && typeof leather.request === 'function')
      return { kind: 'leather', provider: leather };
    return null;
  }

  /**
   * Connects the wallet `find` found: its account's address, its network's CAIP-2 id, and
   * how it signs the exact text of a message, base64 (BIP-322 simple, or the legacy format for a
   * 1… address: BIP-322 allows it for P2PKH only).
   */
  async function connect(found) {
    if (found.kind === 'standard') return connectStandardBitcoin(found.wallet);
    if (found.kind === 'sats-connect') return connectSatsConnect(found.provider);
    if (found.kind === 'leather') return connectLeather(found.provider);
    const provider = found.provider;
    const [address] = await provider.requestAccounts();
    if (typeof address !== 'string') throw new Error(text('script.wallet.no_account'));
    const network = typeof provider.getNetwork === 'function' ? await provider.getNetwork() : '';
    const chainId = network === 'testnet' ? BITCOIN_CHAINS.testnet : BITCOIN_CHAINS.mainnet;
    const kind = /^[1mn]/.test(address) ? 'ecdsa' : 'bip322-simple';
    return { address, chainId, sign: (message) => provider.signMessage(message, kind) };
  }

  addWalletChain({
    id: 'siwb',
    name: 'Bitcoin',
    namespace: 'bip122',
    find,
    watch: (changed) => watchers.push(changed),
    // What the pages show beside the address: its network.
    connect: async (found) => {
      const connected = await connect(found);
      return { ...connected, shown: connected.chainId };
    },
  });
})();
