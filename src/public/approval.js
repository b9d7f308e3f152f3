/*
 * "Approve with passkey" and "Approve with wallet" on /account/approvals (issue #51; no
 * dependencies beyond @simplewebauthn/browser and the chains' own scripts; the CSP allows no
 * inline script). Each asks POST /account/approvals/{id}/challenge for a challenge bound to the
 * exact request, has the passkey or the wallet sign it (EIP-712 typed data where the chain's
 * script signs typed data, else the text message), and posts the proof to .../approve.
 */
'use strict';

(function () {
  const { show, postJson, describe, onWalletChain, text } = window.Proofgate;
  const lib = window.SimpleWebAuthnBrowser;
  const chains = [];
  onWalletChain((chain) => {
    if (typeof chain.namespace === 'string') chains.push(chain);
  });

  /** Binds a card's buttons, once (the live list, account-approvals.js, brings new cards). */
  function bind(card) {
    if (card.dataset.proofBound === 'true') return;
    card.dataset.proofBound = 'true';
    const id = card.getAttribute('data-approval-id');
    const csrfField = card.querySelector('input[name="csrf_token"]');
    const passkeyButton = card.querySelector('.approval-passkey');
    const walletButton = card.querySelector('.approval-wallet');
    const status = card.querySelector('.approval-status');
    const alertBox = card.querySelector('.approval-error');
    if (!csrfField || !status || !alertBox) return;
    // Read at each use: the live list refreshes the page's token in the cards' fields.
    const csrf = () => csrfField.value;
    const path = (what) => `/account/approvals/${encodeURIComponent(id)}/${what}`;
    const buttons = [passkeyButton, walletButton].filter(Boolean);

    /** Asks for the challenge and the proof (`prove`), then approves with it. */
    async function approveWith(prove) {
      buttons.forEach((button) => (button.disabled = true));
      show(alertBox, '');
      show(status, text('script.approval.waiting'));
      try {
        const proof = await prove();
        show(status, text('script.approval.approving'));
        await postJson(path('approve'), { csrf_token: csrf(), ...proof });
        show(status, text('script.approval.approved'));
        card.querySelectorAll('form, button').forEach((element) => (element.hidden = true));
      } catch (error) {
        show(status, '');
        show(alertBox, describe(error, text('script.approval.failed')));
        buttons.forEach((button) => (button.disabled = false));
      }
    }

    if (passkeyButton && lib && lib.browserSupportsWebAuthn()) {
      passkeyButton.hidden = false;
      passkeyButton.addEventListener('click', () => {
        void approveWith(async () => {
          const optionsJSON = await postJson(path('challenge'), {
            csrf_token: csrf(),
            method: 'passkey',
          });
          const response = await lib.startAuthentication({ optionsJSON });
          return { method: 'passkey', response };
        });
      });
    }

    if (walletButton) {
      walletButton.hidden = false;
      walletButton.addEventListener('click', () => {
        void approveWith(async () => {
          const chain = chains.find((candidate) => candidate.find());
          if (!chain) throw new Error(text('script.approval.no_wallet'));
          const wallet = await chain.connect(chain.find());
          const asked = {
            method: chain.namespace,
            address: wallet.address,
            chainId: wallet.chainId,
          };
          const challenge = await postJson(path('challenge'), { csrf_token: csrf(), ...asked });
          const signature =
            challenge.typed_data && typeof wallet.signTypedData === 'function'
              ? await wallet.signTypedData(challenge.typed_data)
              : await wallet.sign(challenge.message);
          return { ...asked, signature };
        });
      });
    }
  }

  const bindAll = () => document.querySelectorAll('.approval[data-approval-id]').forEach(bind);
  bindAll();
  document.addEventListener('approvals:updated', bindAll);
})();
