import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { ClientsModule } from '../clients/clients.module';
import { GrantsModule } from '../tokens/grants/grants.module';
import { PasskeyAuthenticationService } from './authentication/passkey-authentication.service';
import { PasskeyLoginService } from './authentication/passkey-login.service';
import { PasskeysController } from './passkeys.controller';
import { PasskeyRegistrationService } from './registration/passkey-registration.service';
import { RelyingParty } from './relying-party';
import { AttestationTrust } from './attestation/attestation-trust';

/**
 * Passkeys: the third proof beside PKCE and SIWE. Exports the sign-in check for the login page's
 * "Sign in with a passkey" (login/ uses passkeys/, never the reverse).
 */
@Module({
  imports: [AccountsModule, ChallengeStoreModule, ClientsModule, GrantsModule],
  controllers: [PasskeysController],
  providers: [
    RelyingParty,
    AttestationTrust,
    PasskeyRegistrationService,
    PasskeyAuthenticationService,
    PasskeyLoginService,
  ],
  exports: [PasskeyAuthenticationService, PasskeyRegistrationService, RelyingParty],
})
export class PasskeysModule {}
