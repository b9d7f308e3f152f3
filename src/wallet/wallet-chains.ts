import type { Provider } from '@nestjs/common';
import type { WalletConfig } from '../config/sections/wallet.config';
import { wordList } from '../platform/text/word-list';
import type {
  AccountIdReading,
  WalletChain,
  WalletChainEntry,
  WalletChainSyntax,
  WalletChainTexts,
} from './core/wallet-chain';
import { SIWE } from './siwe/siwe-chain';
import { SIWB } from './siwb/siwb-chain';
import { SIWS } from './siws/siws-chain';

/**
 * Every chain a wallet signs in on, one line each: the only place the chain-neutral core names a
 * chain. The first is the default: a chain id in no chain's namespace has its address checked,
 * and a message no chain claims is read, as Ethereum's, as the API has always done, so their
 * refusals are the ones they always were.
 */
export const WALLET_CHAINS: readonly [WalletChainEntry, ...WalletChainEntry[]] = [SIWE, SIWS, SIWB];

/** The chain whose namespace a nonce request's `chainId` is in, if any. */
export function chainSyntaxOf(chainId: number | string): WalletChainSyntax | undefined {
  return WALLET_CHAINS.find((entry) => entry.syntax.namesChain(chainId))?.syntax;
}

/**
 * The address a request claims, as the rate limits count it: by the chain whose address form it
 * has (the default chain's for any other text), or the address a signed message names; unproven.
 */
export function claimedAddressOf(claim: {
  address?: unknown;
  message?: unknown;
}): string | undefined {
  if (typeof claim.address === 'string') {
    const address = claim.address;
    const { syntax } =
      WALLET_CHAINS.find((entry) => entry.syntax.hasAddressForm(address)) ?? WALLET_CHAINS[0];
    return syntax.budgetKey(address);
  }
  if (typeof claim.message === 'string') {
    const head = claim.message.slice(0, 1024);
    for (const { syntax } of WALLET_CHAINS) {
      const address = syntax.messageAddress(head);
      if (address !== undefined) return address;
    }
  }
  return undefined;
}

/**
 * A CAIP-10 account id an operator typed, read by the chain whose namespace it is in (see
 * WalletChainSyntax.readAccountId); undefined when it is in no chain's.
 */
export function readWalletAccountId(
  value: string,
  wallet: WalletConfig,
): AccountIdReading | undefined {
  for (const { syntax } of WALLET_CHAINS) {
    const reading = syntax.readAccountId(value, wallet);
    if (reading !== undefined) return reading;
  }
  return undefined;
}

/** The account ids' forms, one per chain in the list's order, for the texts that list them. */
export const WALLET_ACCOUNT_ID_FORMS = WALLET_CHAINS.map((entry) => entry.syntax.accountIdForm);

/** Every chain's phrase for a text of the API reference: `Ethereum: …. Solana: ….` */
export function perChain(pick: (texts: WalletChainTexts) => string): string {
  return WALLET_CHAINS.map(({ syntax }) => `${syntax.texts.name}: ${pick(syntax.texts)}`).join(
    '. ',
  );
}

/** Every chain's phrase, as alternatives: `EIP-4361, Sign In With Solana (CAIP-122) or …`. */
export function anyChain(pick: (texts: WalletChainTexts) => string): string {
  return wordList(
    WALLET_CHAINS.map(({ syntax }) => pick(syntax.texts)),
    'or',
  );
}

/** The registered chains' implementations, looked up by what a request names. */
export class WalletChains {
  /** In the order of WALLET_CHAINS: the first is the default. */
  constructor(private readonly chains: readonly [WalletChain, ...WalletChain[]]) {}

  /** The chain a nonce request's `chainId` names; undefined for a namespace no chain has. */
  forChainId(chainId: number | string): WalletChain | undefined {
    return this.chains.find((chain) => chain.syntax.namesChain(chainId));
  }

  /** The chain whose message this is; a message no chain claims goes to the default's parser. */
  forMessage(message: string): WalletChain {
    return this.chains.find((chain) => chain.syntax.claimsMessage(message)) ?? this.chains[0];
  }
}

/**
 * The Nest wiring of the registered chains: what each implementation injects, the
 * implementations, and the lookup built from them.
 */
export const WALLET_CHAIN_PROVIDERS: Provider[] = [
  ...WALLET_CHAINS.flatMap((entry) => entry.providers),
  ...WALLET_CHAINS.map((entry) => entry.chain),
  {
    provide: WalletChains,
    inject: WALLET_CHAINS.map((entry) => entry.chain),
    useFactory: (first: WalletChain, ...rest: WalletChain[]) => new WalletChains([first, ...rest]),
  },
];
