import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { Oid4vpChallenges } from './oid4vp-challenges';
import { Oid4vpSignIn } from './oid4vp-sign-in.service';
import { Oid4vpWalletController } from './oid4vp-wallet.controller';
import { PresentationVerifier } from './presentation-verifier';
import { TrustedIssuerKeys } from './trusted-issuer-keys';
import { VerifierIdentity } from './verifier-identity';

/**
 * Identity wallets (the `oid4vp` proof): an OpenID4VP 1.0 verifier of SD-JWT VCs. Its wallet-facing
 * endpoints are here; the login page's and scripts' are login/'s (login/ uses oid4vp/).
 */
@Module({
  imports: [AccountsModule, ChallengeStoreModule],
  controllers: [Oid4vpWalletController],
  providers: [
    Oid4vpChallenges,
    Oid4vpSignIn,
    PresentationVerifier,
    TrustedIssuerKeys,
    VerifierIdentity,
  ],
  exports: [Oid4vpSignIn],
})
export class Oid4vpModule {}
