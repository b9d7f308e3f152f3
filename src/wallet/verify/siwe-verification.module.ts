import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChallengeStoreModule } from '../../common/challenge-store/challenge-store.module';
import { OAuthModule } from '../../oauth/oauth.module';
import { GrantsModule } from '../../tokens/grants/grants.module';
import { WalletClients } from '../clients/wallet-clients';
import { MongoWalletNonceLedger } from '../nonce/persistence/mongo-wallet-nonce.ledger';
import {
  WalletNonceReceiptRecord,
  WalletNonceReceiptSchema,
} from '../nonce/persistence/wallet-nonce-ledger.schema';
import { WalletNonceLedger } from '../nonce/wallet-nonce.ledger';
import { SiweModule } from '../siwe/siwe.module';
import { SiweLoginService } from './siwe-login.service';

/**
 * SIWE message verification (`SiweLoginService`), shared by the wallet endpoints and the OAuth
 * login page's "Sign in with Ethereum". A module of its own because WalletModule -> OAuthModule
 * -> LoginModule would otherwise be circular.
 */
@Module({
  imports: [
    SiweModule,
    GrantsModule,
    ChallengeStoreModule,
    OAuthModule,
    MongooseModule.forFeature([
      { name: WalletNonceReceiptRecord.name, schema: WalletNonceReceiptSchema },
    ]),
  ],
  providers: [
    { provide: WalletNonceLedger, useClass: MongoWalletNonceLedger },
    WalletClients,
    SiweLoginService,
  ],
  exports: [SiweLoginService, WalletNonceLedger, WalletClients],
})
export class SiweVerificationModule {}
