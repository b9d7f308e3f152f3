import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { GuardedFetcher } from '../platform/http/outbound/guarded-fetcher';
import { DnsHostResolver, HostResolver } from '../platform/http/outbound/host-resolver';
import { Oid4vpChallenges } from './oid4vp-challenges';
import { Oid4vpSignIn } from './oid4vp-sign-in.service';
import { Oid4vpWalletController } from './oid4vp-wallet.controller';
import { PresentationVerifier } from './presentation-verifier';
import { StatusLists } from './status-lists';
import { TrustedIssuerKeys } from './trusted-issuer-keys';
import { VerifierIdentity } from './verifier-identity';

/** How long c-ares waits for a status list host's first answer, and how many tries it makes. */
const DNS = { timeoutMs: 2_000, tries: 2 } as const;

/**
 * Identity wallets (the `oid4vp` proof): an OpenID4VP 1.0 verifier of SD-JWT VCs. Its wallet-facing
 * endpoints are here; the login page's and scripts' are login/'s (login/ uses oid4vp/). Status
 * lists are fetched through the SSRF guard with a resolver of its own (the hosts file, then the
 * system's DNS servers), as upstream/ fetches a provider's documents.
 */
@Module({
  imports: [AccountsModule, ChallengeStoreModule],
  controllers: [Oid4vpWalletController],
  providers: [
    { provide: HostResolver, useFactory: () => new DnsHostResolver(DNS) },
    GuardedFetcher,
    Oid4vpChallenges,
    Oid4vpSignIn,
    PresentationVerifier,
    StatusLists,
    TrustedIssuerKeys,
    VerifierIdentity,
  ],
  exports: [Oid4vpSignIn],
})
export class Oid4vpModule {}
