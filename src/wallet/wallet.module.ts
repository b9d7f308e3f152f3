import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { WalletClients } from './clients/wallet-clients';
import { WalletAudiences } from './audience/wallet-audiences';
import { CsrfModule } from '../platform/csrf/csrf.module';
import { WalletNonceService } from './wallet-nonce.service';
import { WALLET_CHAIN_PROVIDERS, WalletChains } from './wallet-chains';
import { WalletSignInService } from './wallet-sign-in.service';
import { WalletController } from './wallet.controller';

/**
 * Wallet login: POST /wallet/nonce and POST /wallet/verify, for every chain of the chain list
 * (Ethereum's SIWE, Solana's SIWS). Exports the verification for the login page's wallet buttons
 * (login/ uses wallet/, never the reverse).
 */
@Module({
  imports: [ClientsModule, GrantsModule, ChallengeStoreModule, AccountsModule, CsrfModule],
  controllers: [WalletController],
  providers: [
    WalletClients,
    WalletAudiences,
    ...WALLET_CHAIN_PROVIDERS,
    WalletNonceService,
    WalletSignInService,
  ],
  exports: [WalletSignInService, WalletNonceService, WalletAudiences, WalletChains],
})
export class WalletModule {}
