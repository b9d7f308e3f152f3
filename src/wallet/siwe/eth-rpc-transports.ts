import { Injectable } from '@nestjs/common';
import { http, type Transport } from 'viem';
import { WalletConfig } from '../../config/sections/wallet.config';

/**
 * Where contract wallet signatures (ERC-1271 / ERC-6492) are checked: one Ethereum JSON-RPC
 * transport per chain. Tests replace it with a stubbed `eth_call`.
 */
export abstract class EthRpcTransports {
  /** The transport for `chainId`, or undefined when the chain has no RPC endpoint. */
  abstract forChain(chainId: number): Transport | undefined;
}

/** HTTP transports from `SIWE_RPC_URLS`: one try per call, bounded by `SIWE_RPC_TIMEOUT_MS`. */
@Injectable()
export class HttpEthRpcTransports extends EthRpcTransports {
  private readonly transports: ReadonlyMap<number, Transport>;

  constructor(wallet: WalletConfig) {
    super();
    const { rpcUrls, rpcTimeoutMs } = wallet;
    this.transports = new Map(
      Object.entries(rpcUrls).map(([chainId, url]): [number, Transport] => [
        Number(chainId),
        // A login waits for this call: no retries, so a slow node costs one timeout at most.
        http(url, { timeout: rpcTimeoutMs, retryCount: 0 }),
      ]),
    );
  }

  forChain(chainId: number): Transport | undefined {
    return this.transports.get(chainId);
  }
}
