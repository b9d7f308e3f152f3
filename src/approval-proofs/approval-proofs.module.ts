import { Global, Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ApprovalProofs } from '../oauth/ciba/approval-proofs';
import { PasskeysModule } from '../passkeys/passkeys.module';
import { WalletModule } from '../wallet/wallet.module';
import { WalletAndPasskeyApprovalProofs } from './wallet-and-passkey.approval-proofs';

/**
 * The proofs a person approves a CIBA request with (issue #51), for oauth/'s port: global, so
 * oauth/ names only its own abstract class and never a proof's folder.
 */
@Global()
@Module({
  imports: [AccountsModule, PasskeysModule, WalletModule],
  providers: [{ provide: ApprovalProofs, useClass: WalletAndPasskeyApprovalProofs }],
  exports: [ApprovalProofs],
})
export class ApprovalProofsModule {}
