/*
 * The helpers every page script shares, as window.Proofgate (no dependencies; the CSP allows no
 * inline script). renderPage (src/platform/http/html.ts) lists this file first on every page that
 * has scripts; the pages' scripts are `defer`red, so they run after it, in order.
 */
'use strict';

window.Proofgate = Object.freeze(
  (function () {
    /** Sets an alert or status line's text; an empty text hides it. */
    function show(element, text) {
      element.textContent = text;
      element.hidden = text === '';
    }

    /**
     * The value of the login form's hidden field `name` (csrf_token, return_to), or ''. Read from
     * that form by its id: a signed-in visitor's page (prompt=login, max_age) also has the
     * header's sign-out form, whose return_to is the login page itself.
     */
    function loginField(name) {
      const field = document.querySelector(`#login-form input[type="hidden"][name="${name}"]`);
      return field ? field.value : '';
    }

    /**
     * POSTs JSON; answers the parsed body, or throws with the server's error_description.
     * `credentials`: 'same-origin' (the default) sends the login session's cookies; the demo dApp,
     * which stands for a third-party app, sends 'omit'.
     */
    async function postJson(path, body, { credentials = 'same-origin' } = {}) {
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials,
        body: JSON.stringify(body),
      });
      const data = await response.json().catch(() => null);
      if (!response.ok) {
        const description = data && data.error_description;
        throw new Error(description || `${path} answered ${response.status}.`);
      }
      return data;
    }

    /** What to tell the user of a failure; `fallback` when nothing better is known. */
    function describe(error, fallback) {
      // EIP-1193: 4001 is the user rejecting the request in the wallet.
      if (error && error.code === 4001) return 'You cancelled the request in your wallet.';
      // WebAuthn: the user dismissed the authenticator's prompt, or it timed out.
      if (error && error.name === 'NotAllowedError') {
        return 'The passkey request was cancelled or timed out.';
      }
      if (error && typeof error.message === 'string' && error.message) return error.message;
      return fallback;
    }

    /** Follows the server's `redirect` answer, refusing any other origin all the same. */
    function continueTo(redirect) {
      const next = new URL(redirect, window.location.origin);
      if (next.origin !== window.location.origin) throw new Error('Unexpected redirect.');
      window.location.assign(next.href);
    }

    /**
     * The login page's last step for any proof: posts it to `path` with the form's csrf_token and
     * return_to, then continues to where the server says (the pending authorization request);
     * `say` reports the step.
     */
    async function finishLogin(path, proof, say) {
      const done = await postJson(path, {
        ...proof,
        csrf_token: loginField('csrf_token'),
        return_to: loginField('return_to'),
      });
      say('Signed in. Continuing…');
      continueTo(done.redirect);
    }

    /** personal_sign takes the message as 0x-prefixed hex of its UTF-8 bytes. */
    function utf8Hex(text) {
      let hex = '0x';
      for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
      return hex;
    }

    /** Padded base64 of bytes (a Solana signature as POST /wallet/verify takes it). */
    function base64(bytes) {
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    }

    /**
     * The Ethereum provider an EIP-6963 wallet announces when asked, else window.ethereum
     * (EIP-1193), else null. Announcements are synchronous, so the answer is known on return.
     */
    function findEthereum() {
      let found = null;
      const take = (event) => {
        const provider = event.detail && event.detail.provider;
        if (!found && provider && typeof provider.request === 'function') found = provider;
      };
      window.addEventListener('eip6963:announceProvider', take);
      window.dispatchEvent(new Event('eip6963:requestProvider'));
      window.removeEventListener('eip6963:announceProvider', take);
      if (!found && window.ethereum && typeof window.ethereum.request === 'function') {
        found = window.ethereum;
      }
      return found;
    }

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
            : `The wallet refused ${method}.`,
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
        message: 'Sign in',
      });
      const account = Array.isArray(accounts)
        ? accounts.find((item) => item && item.purpose === 'payment') || accounts[0]
        : undefined;
      const address = account && account.address;
      if (typeof address !== 'string') throw new Error('The wallet did not share an account.');
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
      if (!account) throw new Error('The wallet did not share a Bitcoin account.');
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
      if (
        satsConnect &&
        satsConnect.provider &&
        typeof satsConnect.provider.request === 'function'
      ) {
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
        throw new Error('The wallet did not share an account.');
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
          if (signed && (signed.length !== bytes.length || signed.some((b, i) => b !== bytes[i]))) {
            throw new Error('The wallet signed another text than the one issued.');
          }
          return base64(output.signature);
        },
      };
    }

    /** The Wallet Standard's Bitcoin wallets, discovered once, and who wants to hear of more. */
    let bitcoinStandardWallets = null;
    const bitcoinWatchers = [];

    /**
     * The Bitcoin wallet this browser has, as a handle for connectBitcoin, else null. Looked for,
     * in this order: UniSat's interface (`window.unisat`, which OKX's `window.okxwallet.bitcoin`
     * shares), a Wallet Standard wallet (`wallet-standard:app-ready` / `register-wallet`, as
     * discoverSolanaWallets), sats-connect's provider (Xverse), Leather's. `changed` is called when
     * a Wallet Standard wallet registers later.
     */
    function findBitcoin(changed) {
      if (changed) bitcoinWatchers.push(changed);
      if (!bitcoinStandardWallets) {
        bitcoinStandardWallets = discoverWallets(signsBitcoin, () => {
          for (const watcher of bitcoinWatchers) watcher();
        });
      }
      if (window.unisat && typeof window.unisat.signMessage === 'function') {
        return { kind: 'unisat', provider: window.unisat };
      }
      const okx = window.okxwallet && window.okxwallet.bitcoin;
      if (okx && typeof okx.signMessage === 'function') return { kind: 'unisat', provider: okx };
      if (bitcoinStandardWallets.length) {
        return { kind: 'standard', wallet: bitcoinStandardWallets[0] };
      }
      const satsConnect =
        (window.XverseProviders && window.XverseProviders.BitcoinProvider) ||
        window.BitcoinProvider;
      if (satsConnect && typeof satsConnect.request === 'function') {
        return { kind: 'sats-connect', provider: satsConnect };
      }
      const leather = window.LeatherProvider;
      if (leather && typeof leather.request === 'function')
        return { kind: 'leather', provider: leather };
      return null;
    }

    /**
     * Connects the wallet findBitcoin found: its account's address, its network's CAIP-2 id, and
     * how it signs the exact text of a message, base64 (BIP-322 simple, or the legacy format for a
     * 1… address: BIP-322 allows it for P2PKH only).
     */
    async function connectBitcoin(found) {
      if (found.kind === 'standard') return connectStandardBitcoin(found.wallet);
      if (found.kind === 'sats-connect') return connectSatsConnect(found.provider);
      if (found.kind === 'leather') return connectLeather(found.provider);
      const provider = found.provider;
      const [address] = await provider.requestAccounts();
      if (typeof address !== 'string') throw new Error('The wallet did not share an account.');
      const network = typeof provider.getNetwork === 'function' ? await provider.getNetwork() : '';
      const chainId = network === 'testnet' ? BITCOIN_CHAINS.testnet : BITCOIN_CHAINS.mainnet;
      const kind = /^[1mn]/.test(address) ? 'ecdsa' : 'bip322-simple';
      return { address, chainId, sign: (message) => provider.signMessage(message, kind) };
    }

    /** The Solana clusters a page asks a wallet for: the first it offers, mainnet first. */
    const SOLANA_CLUSTERS = Object.freeze(['solana:mainnet', 'solana:devnet', 'solana:testnet']);

    /**
     * Wallet Standard discovery (as @wallet-standard/app's getWallets): wallets loaded earlier
     * register on `wallet-standard:app-ready`, wallets loaded later announce themselves with
     * `wallet-standard:register-wallet`. Answers the live list of the wallets `usable` accepts;
     * `changed` is called when one registers after that.
     */
    function discoverWallets(usable, changed) {
      const wallets = [];
      let returned = false;
      const api = Object.freeze({
        register(...found) {
          for (const wallet of found) {
            if (usable(wallet) && !wallets.includes(wallet)) wallets.push(wallet);
          }
          if (returned) changed();
          return () => {};
        },
      });
      window.addEventListener('wallet-standard:register-wallet', (event) => event.detail(api));
      window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: api }));
      returned = true;
      return wallets;
    }

    /** The wallets that can connect and sign messages on a Solana cluster (see discoverWallets). */
    function discoverSolanaWallets(changed) {
      const usable = (wallet) => {
        const features = wallet && wallet.features;
        return (
          !!features &&
          !!features['standard:connect'] &&
          !!features['solana:signMessage'] &&
          Array.isArray(wallet.chains) &&
          wallet.chains.some((chain) => SOLANA_CLUSTERS.includes(chain))
        );
      };
      return discoverWallets(usable, changed);
    }

    /** standard:connect, then the account and the first cluster this page knows that it offers. */
    async function connectSolana(wallet) {
      const { accounts } = await wallet.features['standard:connect'].connect();
      const account = accounts && accounts[0];
      if (!account || typeof account.address !== 'string') {
        throw new Error('The wallet did not share an account.');
      }
      const chains =
        Array.isArray(account.chains) && account.chains.length ? account.chains : wallet.chains;
      const chainId = SOLANA_CLUSTERS.find((cluster) => chains.includes(cluster));
      if (!chainId) throw new Error('The wallet offers no Solana cluster this page knows.');
      return { account, chainId };
    }

    /** A count, or counts by reason ("replay 1, htu_mismatch 2"), as the page first shows it. */
    function formatFigure(value) {
      if (value == null) return '—';
      if (typeof value !== 'object') return String(value);
      const entries = Object.entries(value);
      return entries.length ? entries.map(([reason, n]) => `${reason} ${n}`).join(', ') : 'none';
    }

    /**
     * Refreshes each `td[data-figure]` cell below `root` from a GET /challenge-models answer:
     * the cell names its model (`data-model`) and the JSON path in that model's figures.
     */
    function fillFigures(root, view) {
      const models = view.models.concat(view.proof_of_possession || []);
      const byId = Object.fromEntries(models.map((m) => [m.id, m.figures]));
      for (const cell of root.querySelectorAll('td[data-figure]')) {
        const value = cell.dataset.figure
          .split('.')
          .reduce((at, key) => (at == null ? at : at[key]), byId[cell.dataset.model]);
        cell.textContent = formatFigure(value);
      }
    }

    return {
      show,
      postJson,
      describe,
      continueTo,
      finishLogin,
      utf8Hex,
      base64,
      findEthereum,
      discoverSolanaWallets,
      connectSolana,
      findBitcoin,
      connectBitcoin,
      fillFigures,
    };
  })(),
);
