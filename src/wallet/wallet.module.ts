import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { WalletClients } from './clients/wallet-clients';
import { WalletNonceService } from './nonce/wallet-nonce.service';
import { SiweModule } from './siwe/siwe.module';
import { SiweLoginService } from './verify/siwe-login.service';
import { WalletController } from './wallet.controller';

/**
 * Wallet login: POST /wallet/nonce and POST /wallet/verify. Exports SIWE verification for the
 * login page's "Sign in with Ethereum" (login/ uses wallet/, never the reverse).
 */
@Module({
  imports: [SiweModule, ClientsModule, GrantsModule, ChallengeStoreModule, AccountsModule],
  controllers: [WalletController],
  providers: [WalletClients, WalletNonceService, SiweLoginService],
  exports: [SiweLoginService],
})
export class WalletModule {}
