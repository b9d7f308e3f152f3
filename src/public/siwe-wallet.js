/*
 * Ethereum's side of the pages' wallet buttons (the login page, the demo dApp, "Link a wallet"),
 * registered with window.Proofgate as the `siwe` chain (no dependencies; the CSP allows no inline
 * script). The wallet: the provider an EIP-6963 wallet announces, else window.ethereum (EIP-1193).
 * Connecting asks eth_requestAccounts and eth_chainId; signing is personal_sign (EIP-191) of the
 * exact EIP-4361 text, answered as the wallet's 0x-hex signature.
 */
'use strict';

(function () {
  const { addWalletChain, text, utf8Hex } = window.Proofgate;

  /**
   * The provider an EIP-6963 wallet announces when asked, else window.ethereum, else null.
   * Announcements are synchronous, so the answer is known on return.
   */
  function find() {
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

  /** EIP-6963: a wallet that loads after the page announces itself unasked. */
  function watch(changed) {
    window.addEventListener('eip6963:announceProvider', () => changed());
  }

  async function connect(ethereum) {
    const accounts = await ethereum.request({ method: 'eth_requestAccounts' });
    const address = Array.isArray(accounts) ? accounts[0] : undefined;
    if (typeof address !== 'string') throw new Error(text('script.wallet.no_account'));
    const chainId = Number.parseInt(await ethereum.request({ method: 'eth_chainId' }), 16);
    if (!Number.isSafeInteger(chainId)) throw new Error(text('script.wallet.no_chain'));
    return {
      address,
      chainId,
      sign: (message) =>
        ethereum.request({ method: 'personal_sign', params: [utf8Hex(message), address] }),
      // EIP-712 (an approval of /account/approvals): eth_signTypedData_v4 wants the domain's type.
      signTypedData: (data) =>
        ethereum.request({
          method: 'eth_signTypedData_v4',
          params: [
            address,
            JSON.stringify({ ...data, types: { EIP712Domain: DOMAIN_TYPE, ...data.types } }),
          ],
        }),
    };
  }

  /** EIP-712's domain type of the typed data Proofgate asks to sign: name, version, chainId. */
  const DOMAIN_TYPE = [
    { name: 'name', type: 'string' },
    { name: 'version', type: 'string' },
    { name: 'chainId', type: 'uint256' },
  ];

  addWalletChain({ id: 'siwe', name: 'Ethereum', namespace: 'eip155', find, watch, connect });
})();
