import { Module } from '@nestjs/common';
import { ChallengeStoreModule } from '../challenges/challenge-store.module';
import { GuardedFetcher } from '../platform/http/outbound/guarded-fetcher';
import { DnsHostResolver, HostResolver } from '../platform/http/outbound/host-resolver';
import { UpstreamRelyingParty } from './upstream-relying-party';
import { UpstreamSignIn } from './upstream-sign-in.service';
import { UpstreamStates } from './upstream-states';

/** How long c-ares waits for a provider host's first answer, and how many tries it makes. */
const DNS = { timeoutMs: 2_000, tries: 2 } as const;

/**
 * Sign-in at upstream identity providers: the relying party (openid-client, through its own SSRF
 * guard and resolver: the hosts file, then the system's DNS servers) and the state challenges.
 * Exports the sign-in for the login page (login/ uses upstream/, never the reverse).
 */
@Module({
  imports: [ChallengeStoreModule],
  providers: [
    { provide: HostResolver, useFactory: () => new DnsHostResolver(DNS) },
    GuardedFetcher,
    UpstreamStates,
    UpstreamRelyingParty,
    UpstreamSignIn,
  ],
  exports: [UpstreamSignIn],
})
export class UpstreamModule {}
