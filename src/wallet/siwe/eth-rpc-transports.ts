import type { Transport } from 'viem';
import { WalletConfig } from '../../config/sections/wallet.config';
import { onFirstUse } from '../../platform/startup/on-first-use';

/**
 * viem whole (its clients, transports, ERC-6492's validator): what only the chain's RPC needs.
 * The rest of SIWE reads `viem/utils` (an EOA's check: keccak, recovery, addresses), about half of
 * what `viem` loads; without SIWE_RPC_URLS the other half never loads (~0.15 s of CPU per start).
 */
export const viemRpc = onFirstUse(() => import('viem'));

/**
 * Where contract wallet signatures (ERC-1271 / ERC-6492) are checked: one Ethereum JSON-RPC
 * transport per chain. Tests replace it with a stubbed `eth_call`.
 */
export abstract class EthRpcTransports {
  /** The transport for `chainId`, or undefined when the chain has no RPC endpoint. */
  abstract forChain(chainId: number): Transport | undefined;
}

/**
 * HTTP transports from `SIWE_RPC_URLS`: one try per call, bounded by `SIWE_RPC_TIMEOUT_MS`. Made
 * at start (`create`), which loads viem's RPC half then when a chain has a URL: the first contract
 * wallet's sign-in does not pay for it.
 */
export class HttpEthRpcTransports extends EthRpcTransports {
  private constructor(private readonly transports: ReadonlyMap<number, Transport>) {
    super();
  }

  static async create(wallet: WalletConfig): Promise<HttpEthRpcTransports> {
    const { rpcUrls, rpcTimeoutMs } = wallet;
    const urls = Object.entries(rpcUrls);
    if (urls.length === 0) return new HttpEthRpcTransports(new Map());
    const { http } = await viemRpc();
    return new HttpEthRpcTransports(
      new Map(
        urls.map(([chainId, url]): [number, Transport] => [
          Number(chainId),
          // A login waits for this call: no retries, so a slow node costs one timeout at most.
          http(url, { timeout: rpcTimeoutMs, retryCount: 0 }),
        ]),
      ),
    );
  }

  forChain(chainId: number): Transport | undefined {
    return this.transports.get(chainId);
  }
}
