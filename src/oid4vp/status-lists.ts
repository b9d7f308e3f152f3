import { Injectable, Logger } from '@nestjs/common';
import { Oid4vpConfig, type TrustedIssuer } from '../config/sections/oid4vp.config';
import { ServerConfig } from '../config/sections/server.config';
import { ExpiringCache } from '../platform/cache/expiring-cache';
import { Clock } from '../platform/clock/clock';
import { SingleFlight } from '../platform/concurrency/single-flight';
import { DuplicateMemberName, parseJson } from '../platform/http/json-duplicate-names';
import { GuardedFetcher, OutboundFetchError } from '../platform/http/outbound/guarded-fetcher';
import { operatorUrlProblem } from '../protocol-rules/operator-url';
import { InvalidPresentation } from './oid4vp.errors';
import {
  STATUS_LIST_LIMITS,
  type StatusBits,
  StatusListRefused,
  checkStatusListToken,
  decompressStatusList,
  statusAt,
  statusListCacheSeconds,
} from './status-list-token';
import { TrustedIssuerKeys } from './trusted-issuer-keys';

/** A Status List Token that passed every rule, its list decompressed. */
interface VerifiedList {
  readonly bits: StatusBits;
  readonly list: Uint8Array;
}

/**
 * The Token Status Lists credentials name (draft-ietf-oauth-status-list §8), fetched with the
 * SSRF guard of platform/http/outbound (https to a public address; http only outside
 * production, private addresses too or with OID4VP_ISSUER_ALLOW_PRIVATE; no redirect followed;
 * the size and time limits of STATUS_LIST_LIMITS), verified (status-list-token.ts), and kept per issuer and URI for as long
 * as the list's `ttl` and `exp` and OID4VP_STATUS_LIST_MAX_AGE_SECONDS allow, within an entry and
 * a byte bound. Presentations that need a list not kept share one fetch of it; a failure is not
 * kept past that fetch: the next presentation tries again.
 */
@Injectable()
export class StatusLists {
  private readonly logger = new Logger(StatusLists.name);
  private readonly verified = new ExpiringCache<string, VerifiedList>(
    STATUS_LIST_LIMITS.cacheEntries,
    STATUS_LIST_LIMITS.cacheBytes,
  );
  private readonly fetches = new SingleFlight<string, VerifiedList>();

  constructor(
    private readonly fetcher: GuardedFetcher,
    private readonly issuers: TrustedIssuerKeys,
    private readonly config: Oid4vpConfig,
    private readonly server: ServerConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * The status at `idx` of the list at `uri` that `issuer` signed (0 is VALID). Throws
   * InvalidPresentation `revoked` when the list cannot be fetched or verified, or has no `idx`.
   */
  async statusOf(uri: string, idx: number, issuer: TrustedIssuer): Promise<number> {
    // Per issuer too: the list was verified with this issuer's keys, and a credential of another
    // trusted issuer may name the same URI.
    const key = JSON.stringify([issuer.issuer, uri]);
    const verified =
      this.verified.get(key, this.clock.now().getTime()) ??
      (await this.fetches.run(key, () => this.fetchVerified(key, uri, issuer)));
    const status = statusAt(verified.list, verified.bits, idx);
    if (status === undefined) throw new InvalidPresentation('revoked');
    return status;
  }

  private async fetchVerified(key: string, uri: string, issuer: TrustedIssuer) {
    try {
      const problem = operatorUrlProblem(uri, this.server.isProduction);
      if (problem !== undefined) throw new StatusListRefused(`its uri ${problem}`);
      const fetched = await this.fetcher.get(new URL(uri), {
        maxBytes: STATUS_LIST_LIMITS.maxBytes,
        timeoutMs: STATUS_LIST_LIMITS.timeoutMs,
        allowPrivate: this.config.issuerAllowPrivate,
        accept: 'application/statuslist+jwt',
      });
      const { header, claims } = await this.verifiedToken(fetched.body, issuer);
      const nowMs = this.clock.now().getTime();
      const nowSeconds = Math.floor(nowMs / 1000);
      const checked = checkStatusListToken(header, claims, {
        uri,
        issuer: issuer.issuer,
        nowSeconds,
      });
      const verified: VerifiedList = {
        bits: checked.bits,
        list: await decompressStatusList(checked.lst, STATUS_LIST_LIMITS.maxListBytes),
      };
      const seconds = statusListCacheSeconds(
        checked,
        nowSeconds,
        this.config.statusListMaxAgeSeconds,
      );
      if (seconds > 0) {
        this.verified.set(key, verified, nowMs + seconds * 1000, verified.list.byteLength);
      }
      return verified;
    } catch (error) {
      // The host and the rule only: the token and the URI's path may say anything.
      const reason =
        error instanceof StatusListRefused || error instanceof OutboundFetchError
          ? error.message
          : `unexpected ${error instanceof Error ? error.name : 'failure'}`;
      this.logger.warn(`status list of ${hostOf(uri)} unusable: ${reason}`);
      throw new InvalidPresentation('revoked');
    }
  }

  /** The token's signature by the credential's issuer, then its header and claims. */
  private async verifiedToken(body: Buffer, issuer: TrustedIssuer) {
    let verified: Awaited<ReturnType<TrustedIssuerKeys['verify']>>;
    try {
      verified = await this.issuers.verify(body.toString('utf8').trim(), issuer);
    } catch {
      throw new StatusListRefused("it is not a JWS the credential's issuer signed");
    }
    let claims: unknown;
    try {
      claims = parseJson(new TextDecoder().decode(verified.payload));
    } catch (error) {
      // Two `status_list`s: another verifier may read the other list, or another entry's bits.
      if (error instanceof DuplicateMemberName)
        throw new StatusListRefused(`its payload ${error.message}`);
      claims = undefined;
    }
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
      throw new StatusListRefused('its payload is not a JSON object');
    }
    return { header: verified.protectedHeader, claims: claims as Record<string, unknown> };
  }
}

function hostOf(uri: string): string {
  try {
    return new URL(uri).host;
  } catch {
    return 'an invalid URI';
  }
}
