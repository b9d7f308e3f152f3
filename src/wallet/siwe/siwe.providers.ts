import { Logger, type Provider } from '@nestjs/common';
import { WalletConfig } from '../../config/sections/wallet.config';
import { EthRpcTransports, HttpEthRpcTransports } from './eth-rpc-transports';
import { SignatureRecovery } from './signature-recovery';
import { SiweVerifier } from './siwe-verifier';

/** Native secp256k1 (and keccak) when the bindings load, else viem; the log says which answers. */
function signatureRecovery(): SignatureRecovery {
  const recovery = SignatureRecovery.load();
  const logger = new Logger(SignatureRecovery.name);
  if (recovery.fallbackReason === undefined) {
    logger.log(
      `EOA signature recovery: ${recovery.implementation} (keccak-256: ${recovery.keccak})`,
    );
  } else {
    logger.warn(
      `EOA signature recovery: ${recovery.implementation} (native secp256k1 did not load: ${recovery.fallbackReason})`,
    );
  }
  return recovery;
}

/**
 * SIWE verification over the configured RPC endpoints, as the chain list registers it. Needs
 * WalletConfig and Clock (global).
 */
export const SIWE_PROVIDERS: readonly Provider[] = [
  SiweVerifier,
  {
    provide: EthRpcTransports,
    useFactory: (wallet: WalletConfig) => HttpEthRpcTransports.create(wallet),
    inject: [WalletConfig],
  },
  { provide: SignatureRecovery, useFactory: signatureRecovery },
];
