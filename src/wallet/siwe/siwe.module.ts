import { Module } from '@nestjs/common';
import { EthRpcTransports, HttpEthRpcTransports } from './eth-rpc-transports';
import { SiweVerifier } from './siwe-verifier';

/** SIWE verification over the configured RPC endpoints. Needs AppConfig and Clock (global). */
@Module({
  providers: [SiweVerifier, { provide: EthRpcTransports, useClass: HttpEthRpcTransports }],
  exports: [SiweVerifier],
})
export class SiweModule {}
