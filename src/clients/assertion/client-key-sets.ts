import { Injectable, Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { ClientMetadataConfig } from '../../config/sections/client-metadata.config';
import { ExpiringCache } from '../../platform/cache/expiring-cache';
import { Clock } from '../../platform/clock/clock';
import { SingleFlight } from '../../platform/concurrency/single-flight';
import { InvalidClient } from '../../platform/errors/protocol-error';
import { GuardedFetcher, OutboundFetchError } from '../../platform/http/outbound/guarded-fetcher';
import {
  CLIENT_JWKS_LIMITS,
  fetchedJwks,
  publicJwksProblem,
} from '../../protocol-rules/client-jwks';
import {
  CLIENT_METADATA_DOCUMENT_LIMITS,
  documentCacheSeconds,
} from '../metadata-document/client-metadata-documents.service';
import type { OAuthClient } from '../oauth-client';

const CACHE_ENTRIES = 1_000;
/**
 * How long a registered (inline) key set stays imported once it was last looked up afresh. Its
 * entry is keyed by the set's content, so a rotated set is never answered from here: this only
 * bounds the memory of sets no longer registered.
 */
const INLINE_SET_TTL_MS = 10 * 60_000;
/** A jwks_uri is fetched again for an unknown `kid` at most this often (a key rotation). */
const REFRESH_COOLDOWN_MS = 30_000;

/**
 * A JWS checked against a key set, and once more against the set fetched again when none of its
 * keys matched (the signer rotated its keys since they were cached); `refreshed` answers
 * undefined when there is nothing new to try (inline keys, or within the refresh cooldown).
 * jose's verdict, either time, is what `asRefusal` makes of it; a failure to fetch passes through.
 */
export async function checkWithRotatedKeys<T>(
  keys: JWTVerifyGetKey,
  refreshed: () => Promise<JWTVerifyGetKey | undefined>,
  check: (keys: JWTVerifyGetKey) => Promise<T>,
  asRefusal: (error: unknown) => unknown,
): Promise<T> {
  try {
    return await check(keys);
  } catch (error) {
    const fresher = error instanceof errors.JWKSNoMatchingKey ? await refreshed() : undefined;
    if (!fresher) throw asRefusal(error);
    try {
      return await check(fresher);
    } catch (again) {
      throw asRefusal(again);
    }
  }
}

interface FetchedSet {
  readonly keys: JWTVerifyGetKey;
  readonly fetchedAt: number;
}

/** Who names a JWK Set's URL, which decides where it may point and how a failure is told. */
export interface KeySetSource {
  /** May the URL resolve to a private address (an operator's own issuer may; a client may not). */
  readonly allowPrivate: boolean;
  /** The refusal when the set cannot be fetched or holds no usable keys. */
  readonly unusable: () => Error;
}

/**
 * The public keys a private_key_jwt client's assertions are checked against: its registered
 * `jwks`, or the set at its `jwks_uri`, fetched with the SSRF guard and the limits of client
 * metadata documents, cached per Cache-Control (within their bounds), and fetched again when an
 * assertion names a key the cached set lacks (at most every 30 s per URI: a client rotating its
 * keys is followed, a stream of unknown kids costs one fetch per cooldown).
 */
@Injectable()
export class ClientKeySets {
  private readonly logger = new Logger(ClientKeySets.name);
  private readonly fetched = new ExpiringCache<string, FetchedSet>(CACHE_ENTRIES);
  private readonly fetches = new SingleFlight<string, FetchedSet>();
  private readonly inline = new ExpiringCache<string, JWTVerifyGetKey>(CACHE_ENTRIES);

  constructor(
    private readonly fetcher: GuardedFetcher,
    private readonly clientMetadata: ClientMetadataConfig,
    private readonly clock: Clock,
  ) {}

  /** The client's keys, from its registration or its jwks_uri (fetched if not cached). */
  async keysOf(client: OAuthClient): Promise<JWTVerifyGetKey> {
    if (client.jwks) return this.inlineKeys(client.clientId, client.jwks);
    return this.keysAt(this.uriOf(client), this.clientSource());
  }

  /**
   * A registered `jwks` as one jose local set per client and content: the set imports each key
   * on its first use and keeps it, so an assertion pays a signature check, not a key import too
   * (a new set per request imported the key every time, ~0.4 ms for a P-256 key, more than the
   * verification itself). A rotated set (`proofgate-admin clients set-jwks`) is other content,
   * so a new entry: a removed key never verifies again. A set stored before a key rule it breaks
   * (public-key-rules.ts) verifies nothing: checked as registration and a fetched set are.
   */
  private inlineKeys(clientId: string, jwks: JSONWebKeySet): JWTVerifyGetKey {
    const key = `${clientId}\u0000${JSON.stringify(jwks)}`;
    const now = this.clock.now().getTime();
    const cached = this.inline.get(key, now);
    if (cached) return cached;
    const problem = publicJwksProblem(jwks);
    if (problem !== undefined) {
      throw new InvalidClient(`The client's registered jwks cannot be used: ${problem}`).because(
        'key',
      );
    }
    const keys = createLocalJWKSet(jwks);
    this.inline.set(key, keys, now + INLINE_SET_TTL_MS);
    return keys;
  }

  /**
   * The JWK Set at `uri` (a client's jwks_uri, or a trusted JWT-bearer issuer's), fetched if not
   * cached: one cache and one fetcher for every set the server checks signatures against.
   */
  async keysAt(uri: string, source: KeySetSource): Promise<JWTVerifyGetKey> {
    const cached = this.fetched.get(uri, this.clock.now().getTime());
    return (cached ?? (await this.fetches.run(uri, () => this.fetch(uri, source)))).keys;
  }

  /** `refreshed` for a set by URL: fetched again unless within the cooldown (then undefined). */
  async refreshedAt(uri: string, source: KeySetSource): Promise<JWTVerifyGetKey | undefined> {
    const cached = this.fetched.get(uri, this.clock.now().getTime());
    if (cached && this.clock.now().getTime() - cached.fetchedAt < REFRESH_COOLDOWN_MS) {
      return undefined;
    }
    return (await this.fetches.run(uri, () => this.fetch(uri, source))).keys;
  }

  /**
   * After an assertion named a key the set lacks: the jwks_uri's set fetched again, unless it
   * was fetched within the cooldown (then undefined: nothing new to try). Inline keys never change.
   */
  async refreshed(client: OAuthClient): Promise<JWTVerifyGetKey | undefined> {
    if (client.jwks) return undefined;
    return this.refreshedAt(this.uriOf(client), this.clientSource());
  }

  private clientSource(): KeySetSource {
    return {
      allowPrivate: this.clientMetadata.allowPrivate,
      unusable: () =>
        new InvalidClient("The client's jwks_uri could not be fetched or holds no usable keys"),
    };
  }

  private uriOf(client: OAuthClient): string {
    if (client.jwksUri === undefined) {
      throw new InvalidClient('The client has no keys registered for private_key_jwt');
    }
    return client.jwksUri;
  }

  private async fetch(uri: string, source: KeySetSource): Promise<FetchedSet> {
    try {
      const fetched = await this.fetcher.get(new URL(uri), {
        maxBytes: CLIENT_JWKS_LIMITS.bytes,
        timeoutMs: CLIENT_METADATA_DOCUMENT_LIMITS.timeoutMs,
        allowPrivate: source.allowPrivate,
        accept: 'application/json, application/jwk-set+json',
        ...(this.clientMetadata.extraCaCertificates
          ? { extraCaCertificates: this.clientMetadata.extraCaCertificates }
          : {}),
      });
      const read = fetchedJwks(fetched.body.toString('utf8'));
      if ('problem' in read) throw new OutboundFetchError(read.problem);
      const now = this.clock.now().getTime();
      const set = {
        keys: createLocalJWKSet(read.jwks as JSONWebKeySet),
        fetchedAt: now,
      };
      this.fetched.set(uri, set, now + documentCacheSeconds(fetched.cacheControl) * 1000);
      return set;
    } catch (error) {
      if (!(error instanceof OutboundFetchError)) throw error;
      // The host and the reason only: the URI may carry anything.
      this.logger.warn(`jwks_uri of ${new URL(uri).host} unusable: ${error.message}`);
      throw source.unusable();
    }
  }
}
