import { EnvReader } from '../env-reader';
import { chainIds, hostWithPort, rpcUrls, solanaChains } from '../env-parsers';
import { SOLANA_CLUSTERS, type SolanaCluster } from '../../protocol-rules/solana-clusters';
import { ServerConfig } from './server.config';
import { setting, settingsSection, text, whole } from '../setting';

export abstract class WalletConfig {
  /** EIP-4361 `domain` the service accepts: pinned, never taken from the Host header. */
  abstract readonly domain: string;
  /** The origin a message's `uri` must equal or lie under. */
  abstract readonly uri: string;
  abstract readonly allowedChainIds: readonly number[];
  /** Sign In With Solana (CAIP-122): the clusters a nonce may be issued for (SIWS_CHAINS). */
  abstract readonly solanaChains: readonly SolanaCluster[];
  /** Sign in with Bitcoin (CAIP-122, BIP-322): the networks' CAIP-2 ids (SIWB_CHAINS). */
  abstract readonly bitcoinChains: readonly BitcoinChainId[];
  /** ERC-1271/6492 RPC endpoint per chain; a chain without one accepts EOA signatures only. */
  abstract readonly rpcUrls: Readonly<Record<number, string>>;
  abstract readonly rpcTimeoutMs: number;
  abstract readonly clockSkewSeconds: number;
}

/**
 * The Bitcoin networks a sign-in may name, by CAIP-2 id (CAIP-4, `bip122:` + the first 32 hex
 * digits of the genesis block hash), and the short names SIWB_CHAINS also takes.
 */
export const BITCOIN_CHAINS = {
  mainnet: 'bip122:000000000019d6689c085ae165831e93',
  testnet: 'bip122:000000000933ea01ad0ee984209779ba',
} as const;
export type BitcoinChainId = (typeof BITCOIN_CHAINS)[keyof typeof BITCOIN_CHAINS];

/** SIWB_CHAINS: CAIP-2 ids or names, comma-separated; mainnet alone when unset. */
function bitcoinChains(env: EnvReader): BitcoinChainId[] {
  const value = env.str('SIWB_CHAINS')?.trim();
  if (!value) return [BITCOIN_CHAINS.mainnet];
  const chains: BitcoinChainId[] = [];
  for (const part of value.split(',').map((text) => text.trim())) {
    const chain = Object.entries(BITCOIN_CHAINS).find(
      ([name, caip2]) => part === name || part === caip2,
    )?.[1];
    if (chain === undefined) {
      env.problem(
        `SIWB_CHAINS must list Bitcoin chains among mainnet, testnet (or their CAIP-2 ids: ${Object.values(BITCOIN_CHAINS).join(', ')}), got "${value}"`,
      );
      return [BITCOIN_CHAINS.mainnet];
    }
    if (!chains.includes(chain)) chains.push(chain);
  }
  return chains;
}

type Setting = readonly [name: string, value: string | undefined];

/**
 * WALLET_URI and WALLET_DOMAIN are the chain-neutral names of SIWE_URI and SIWE_DOMAIN (named
 * before Solana came; they govern every chain): either name sets the value, and both set to
 * different values is a start-up error. Answers the name to read (the new one when neither is set).
 */
function eitherName(env: EnvReader, [name, value]: Setting, [older, olderValue]: Setting): string {
  if (value === undefined) return olderValue === undefined ? name : older;
  if (olderValue !== undefined && olderValue !== value) {
    env.problem(
      `${name} and ${older} are one setting (${older} is its older name) and disagree ("${value}" and "${olderValue}"): set one of them`,
    );
  }
  return name;
}

/** The settings this section reads, each declared once for its reader and the reference. */
export const WALLET_SETTINGS = settingsSection(
  'Wallets',
  'Sign-in with a wallet, every chain (see [Wallet login](WALLET-LOGIN.md)).',
  {
    walletDomain: setting({
      name: 'WALLET_DOMAIN',
      type: text('a host, with an optional port', hostWithPort),
      default: { unset: 'the host of `WALLET_URI`' },
      description:
        "The `domain` a wallet message (EIP-4361, SIWS, every chain) names for Proofgate's own " +
        'pages (pinned, never taken from `Host`); `SIWE_DOMAIN` is its older name.',
    }),
    siweDomain: setting({
      name: 'SIWE_DOMAIN',
      type: text('a host, with an optional port', hostWithPort),
      default: { unset: 'the host of `WALLET_URI`' },
      description:
        'Older name of `WALLET_DOMAIN`: either works; both set to different values stops the ' +
        'start.',
    }),
    walletUri: setting({
      name: 'WALLET_URI',
      type: text('an http(s) URL'),
      default: { unset: 'the origin of `ISSUER`' },
      description:
        "The `uri` those messages name: a message's `uri` must equal it or lie under it; " +
        '`SIWE_URI` is its older name.',
    }),
    siweUri: setting({
      name: 'SIWE_URI',
      type: text('an http(s) URL'),
      default: { unset: 'the origin of `ISSUER`' },
      description:
        'Older name of `WALLET_URI`: either works; both set to different values stops the start.',
    }),
    siweChainIds: setting({
      name: 'SIWE_CHAIN_IDS',
      type: text('comma-separated chain ids'),
      default: '1',
      description: 'Allowed EIP-155 chain ids.',
    }),
    siweRpcUrls: setting({
      name: 'SIWE_RPC_URLS',
      type: text('comma-separated `chainId=url` pairs'),
      default: { unset: 'none' },
      description:
        'RPC endpoints for ERC-1271/6492 contract-wallet signatures; without one a chain accepts ' +
        'ordinary (EOA) wallets only.',
    }),
    rpcTimeoutMs: setting({
      name: 'SIWE_RPC_TIMEOUT_MS',
      type: whole(100, 30_000),
      default: 3000,
      description: 'RPC timeout (no retries).',
    }),
    clockSkewSeconds: setting({
      name: 'SIWE_CLOCK_SKEW_SECONDS',
      type: whole(0, 600),
      default: 60,
      description: 'Tolerated clock skew for `issuedAt`.',
    }),
    siwsChains: setting({
      name: 'SIWS_CHAINS',
      type: text('comma-separated clusters'),
      default: 'solana:mainnet',
      description:
        'Sign In With Solana: allowed clusters, as `solana:mainnet`, `solana:devnet`, ' +
        '`solana:testnet` or their CAIP-2 ids (`solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp`).',
    }),
    siwbChains: setting({
      name: 'SIWB_CHAINS',
      type: text('comma-separated networks'),
      default: BITCOIN_CHAINS.mainnet,
      description:
        'Sign in with Bitcoin: allowed networks, as CAIP-2 ids or `mainnet` ' +
        '(`bip122:000000000019d6689c085ae165831e93`) and `testnet` ' +
        '(`bip122:000000000933ea01ad0ee984209779ba`); testnet is off unless listed.',
    }),
  },
);

export function readWalletConfig(env: EnvReader, server: ServerConfig): WalletConfig {
  const uriName = eitherName(
    env,
    ['WALLET_URI', env.str('WALLET_URI')],
    ['SIWE_URI', env.str('SIWE_URI')],
  );
  const uri = env.httpUrl(uriName, new URL(server.issuer).origin);
  const domainName = eitherName(
    env,
    ['WALLET_DOMAIN', env.str('WALLET_DOMAIN')],
    ['SIWE_DOMAIN', env.str('SIWE_DOMAIN')],
  );
  return Object.freeze({
    domain: env.read((e) => hostWithPort(e, domainName), undefined) ?? new URL(uri).host,
    uri,
    allowedChainIds: env.read((e) => chainIds(e, 'SIWE_CHAIN_IDS', [1]), [1]),
    solanaChains: env.read(
      (e) => solanaChains(e, 'SIWS_CHAINS', [SOLANA_CLUSTERS[0]]),
      [SOLANA_CLUSTERS[0]],
    ),
    bitcoinChains: bitcoinChains(env),
    rpcUrls: env.read((e) => rpcUrls(e, 'SIWE_RPC_URLS'), {}),
    rpcTimeoutMs: env.get(WALLET_SETTINGS.declared.rpcTimeoutMs),
    clockSkewSeconds: env.get(WALLET_SETTINGS.declared.clockSkewSeconds),
  });
}
