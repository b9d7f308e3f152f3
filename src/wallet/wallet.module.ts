import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { WalletClients } from './clients/wallet-clients';
import { WalletAudiences } from './audience/wallet-audiences';
import { CsrfModule } from '../platform/csrf/csrf.module';
import { WalletNonceService } from './nonce/wallet-nonce.service';
import { SiweModule } from './siwe/siwe.module';
import { SiwsLoginService } from './siws/siws-login.service';
import { SiwsNonceService } from './siws/siws-nonce.service';
import { SiwsVerifier } from './siws/siws-verifier';
import { SiweLoginService } from './verify/siwe-login.service';
import { WalletSignInService } from './verify/wallet-sign-in.service';
import { WalletController } from './wallet.controller';

/**
 * Wallet login: POST /wallet/nonce and POST /wallet/verify, for Ethereum (SIWE) and Solana (SIWS).
 * Exports the verification for the login page's wallet buttons (login/ uses wallet/, never the
 * reverse).
 */
@Module({
  imports: [
    SiweModule,
    ClientsModule,
    GrantsModule,
    ChallengeStoreModule,
    AccountsModule,
    CsrfModule,
  ],
  controllers: [WalletController],
  providers: [
    WalletClients,
    WalletAudiences,
    WalletNonceService,
    SiweLoginService,
    SiwsNonceService,
    SiwsVerifier,
    SiwsLoginService,
    WalletSignInService,
  ],
  exports: [WalletSignInService, WalletNonceService, WalletAudiences],
})
export class WalletModule {}
