import { Module } from '@nestjs/common';
import { ChallengeStoreModule } from '../common/challenge-store/challenge-store.module';
import { WalletNonceService } from './nonce/wallet-nonce.service';
import { SiweVerificationModule } from './verify/siwe-verification.module';
import { WalletController } from './wallet.controller';

/** Wallet login: POST /wallet/nonce and POST /wallet/verify. */
@Module({
  imports: [SiweVerificationModule, ChallengeStoreModule],
  controllers: [WalletController],
  providers: [WalletNonceService],
})
export class WalletModule {}
