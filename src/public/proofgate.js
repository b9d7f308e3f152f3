/*
 * The helpers every page script shares, as window.Proofgate (no dependencies; the CSP allows no
 * inline script). renderPage (src/platform/http/html.ts) lists this file first on every page that
 * has scripts; the pages' scripts are `defer`red, so they run after it, in order.
 */
'use strict';

window.Proofgate = Object.freeze(
  (function () {
    /**
     * The page's texts in its language: the JSON data block renderPage writes
     * (`#page-messages`, the catalogues' `script.*` messages), never English literals here.
     */
    const pageMessages = (() => {
      const block = document.getElementById('page-messages');
      try {
        return block ? JSON.parse(block.textContent) : {};
      } catch {
        return {};
      }
    })();

    /** The message `id` of the page's language, its `{name}` arguments filled from `values`. */
    function text(id, values = {}) {
      const message = Object.hasOwn(pageMessages, id) ? pageMessages[id] : id;
      return message.replace(/\{(\w+)\}/g, (whole, name) =>
        Object.hasOwn(values, name) ? String(values[name]) : whole,
      );
    }

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
     * POSTs JSON; answers the parsed body, or throws with the server's error_description (and its
     * `error` code as the thrown error's `error`).
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
        const failure = new Error(description || `${path} answered ${response.status}.`);
        // The envelope's code, for a page that acts on one (unknown_credential).
        failure.error = data && data.error;
        throw failure;
      }
      return data;
    }

    /** What to tell the user of a failure; `fallback` when nothing better is known. */
    function describe(error, fallback) {
      // EIP-1193: 4001 is the user rejecting the request in the wallet.
      if (error && error.code === 4001) return text('script.wallet.cancelled');
      // WebAuthn: the user dismissed the authenticator's prompt, or it timed out.
      if (error && error.name === 'NotAllowedError') {
        return text('script.passkey.cancelled');
      }
      if (error && typeof error.message === 'string' && error.message) return error.message;
      return fallback;
    }

    /** Follows the server's `redirect` answer, refusing any other origin all the same. */
    function continueTo(redirect) {
      const next = new URL(redirect, window.location.origin);
      if (next.origin !== window.location.origin)
        throw new Error(text('script.unexpected_redirect'));
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
      say(text('script.signed_in'));
      continueTo(done.redirect);
    }

    /** personal_sign takes the message as 0x-prefixed hex of its UTF-8 bytes. */
    function utf8Hex(text) {
      let hex = '0x';
      for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
      return hex;
    }

    /** Padded base64 of bytes (how some chains' signatures go to POST /wallet/verify). */
    function base64(bytes) {
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return btoa(binary);
    }

    /** The wallet chains the page's scripts registered (addWalletChain), and who waits for them. */
    const walletChains = [];
    const walletChainWatchers = [];

    /**
     * Registers a wallet chain's browser side, from the chain's own script (`/static/<id>-wallet.js`,
     * named in its proof's descriptor): `id`, its proof's id (its buttons are `#<id>-login` and
     * `#connect-<id>`); `name`, as in "Connect Bitcoin wallet"; `namespace`, its CAIP-2 namespace
     * (how an approval's proof names it); `find()`, the wallet this browser
     * has (a handle for `connect`) or null; `watch(changed)`, optional, calls `changed` when a
     * wallet may have appeared since; `connect(handle)`, which asks the wallet for its account and
     * answers { address, chainId, shown?, sign(message) }: `sign` has the wallet sign the exact
     * text of a message as its chain does and answers the signature as POST /wallet/verify takes
     * it, `shown` is what the page shows of the connection beside the address; `signTypedData(data)`,
     * where the chain has EIP-712, signs typed data (an approval's) instead of a text.
     */
    function addWalletChain(chain) {
      const registered = Object.freeze({ ...chain });
      walletChains.push(registered);
      for (const watcher of walletChainWatchers) watcher(registered);
    }

    /** Calls `use` with every wallet chain, registered already or later (scripts load in order). */
    function onWalletChain(use) {
      walletChains.forEach((chain) => use(chain));
      walletChainWatchers.push(use);
    }

    /**
     * Drives a wallet chain's button (the login page's `#<id>-login`, the account page's
     * `#link-<id>`): enabled while the browser has a wallet of the chain (told on the button when
     * it has none; `foundClass`, optional, is set on it while one is found), looked for again when
     * the chain's `watch` says so and once the page has loaded. A click connects the wallet, asks
     * `noncePath` for a message for its address and chain (with the fields of `extra`), has the
     * wallet sign that exact text, and hands `{ message, signature }` and a way to say what
     * follows on `status` to `finish`. A failure shows on `alertBox` (`failure` when the server
     * said nothing) and offers the button again.
     */
    function walletButton(chain, button, options) {
      const { status, alertBox, noncePath, extra = {}, finish, failure, foundClass } = options;
      const label = button.textContent;
      const say = (said) => show(status, said);
      let busy = false;

      function offer() {
        if (busy) return;
        const found = chain.find() !== null;
        button.disabled = !found;
        if (foundClass) button.classList.toggle(foundClass, found);
        button.textContent = found ? label : text('script.wallet.none', { chain: chain.name });
      }

      async function signAndFinish() {
        const found = chain.find();
        if (!found) return offer();
        busy = true;
        button.disabled = true;
        show(alertBox, '');
        try {
          say(text('script.wallet.waiting', { chain: chain.name }));
          const wallet = await chain.connect(found);
          const issued = await postJson(noncePath, {
            address: wallet.address,
            chainId: wallet.chainId,
            ...extra,
          });
          say(text('script.wallet.sign'));
          const signature = await wallet.sign(issued.message);
          await finish({ message: issued.message, signature }, say);
        } catch (error) {
          say('');
          show(alertBox, describe(error, failure));
          busy = false;
          offer();
        }
      }

      // A wallet may register later (Wallet Standard, EIP-6963), or inject its provider as the
      // page loads: look again then.
      if (chain.watch) chain.watch(offer);
      window.addEventListener('load', offer);
      offer();
      button.addEventListener('click', () => {
        void signAndFinish();
      });
    }

    /** The registered wallet chain of a proof's id, or undefined. */
    function walletChain(id) {
      return walletChains.find((chain) => chain.id === id);
    }

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

    /** Whether a wallet's answer is the bytes it was asked to sign, one for one. */
    function sameBytes(a, b) {
      return !!a && a.length === b.length && a.every((byte, i) => byte === b[i]);
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
      text,
      show,
      loginField,
      postJson,
      describe,
      continueTo,
      finishLogin,
      utf8Hex,
      base64,
      addWalletChain,
      onWalletChain,
      walletChain,
      walletButton,
      discoverWallets,
      sameBytes,
      fillFigures,
    };
  })(),
);
