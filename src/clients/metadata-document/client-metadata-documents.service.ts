import {
  ResourceServersConfig,
  declaredScopeNames,
} from '../../config/sections/resource-servers.config';
import { Injectable, Logger } from '@nestjs/common';
import { ServerConfig } from '../../config/sections/server.config';
import { ClientMetadataConfig } from '../../config/sections/client-metadata.config';
import { ExpiringCache } from '../../platform/cache/expiring-cache';
import { Clock } from '../../platform/clock/clock';
import { SingleFlight } from '../../platform/concurrency/single-flight';
import {
  ProtocolError,
  TemporarilyUnavailable,
  TooManyRequests,
} from '../../platform/errors/protocol-error';
import { DuplicateMemberName, parseJson } from '../../platform/http/json-duplicate-names';
import { GuardedFetcher, OutboundFetchError } from '../../platform/http/outbound/guarded-fetcher';
import { type GrantTypeRules, operatorOnlyGrantType } from '../../protocol-rules/grant-types';
import type { OAuthClient } from '../oauth-client';
import { parseClientMetadata, registeredFields } from '../registration/client-metadata';
import { RegistrableGrantTypes } from '../registration/registrable-grant-types';
import { InFlightLimit, type Release } from './in-flight-limit';

/** draft-ietf-oauth-client-id-metadata-document limits: small documents, answered quickly. */
export const CLIENT_METADATA_DOCUMENT_LIMITS = {
  maxBytes: 5 * 1024,
  timeoutMs: 5_000,
  /** A document is kept at least this long whatever its Cache-Control says ... */
  minCacheSeconds: 300,
  /** ... and at most this long. */
  maxCacheSeconds: 86_400,
  /** A failed fetch or a refused document is remembered this long (no refetch per request). */
  failureCacheSeconds: 30,
  /**
   * Requests naming a document not fetched yet, in flight at once from one client address
   * (429 past it): an anonymous caller cannot keep more fetches than this waiting.
   */
  maxFirstFetchesPerClientAddress: 4,
  /** Fetches in flight at once from one host (503 past it): no flood of a host on anyone's say. */
  maxFetchesPerHost: 4,
  /**
   * c-ares: the first try's wait and the tries per DNS server. With one server, a name whose DNS
   * never answers is given up after about 3 to 4 s, within `timeoutMs`.
   */
  dnsTimeoutMs: 1_000,
  dnsTries: 2,
} as const;

const CACHE_ENTRIES = 1_000;
const RETRY_AFTER_SECONDS = CLIENT_METADATA_DOCUMENT_LIMITS.timeoutMs / 1000;

/** Why a document was refused; the message is logged, never the document. */
class DocumentRefused extends Error {}

/** Seconds from Cache-Control max-age, bounded; no-store/no-cache or none: the floor. */
export function documentCacheSeconds(cacheControl: string | undefined): number {
  const { minCacheSeconds, maxCacheSeconds } = CLIENT_METADATA_DOCUMENT_LIMITS;
  const directives = (cacheControl ?? '').toLowerCase();
  const maxAge = /(?:^|[\s,])max-age\s*=\s*"?(\d+)"?/.exec(directives);
  if (!maxAge || /(?:^|[\s,])(?:no-store|no-cache)(?:$|[\s,=])/.test(directives)) {
    return minCacheSeconds;
  }
  return Math.min(maxCacheSeconds, Math.max(minCacheSeconds, Number(maxAge[1])));
}

/**
 * Clients whose client_id is the https URL of their metadata document
 * (draft-ietf-oauth-client-id-metadata-document; the MCP authorization spec's preferred way for
 * a client to be known without registering). The document is fetched with the SSRF guard,
 * checked like a registration (same redirect URI rules), and must describe a public client whose
 * `client_id` is exactly the URL. Good documents are cached per Cache-Control, within bounds;
 * failures briefly. An unusable document makes the client unknown.
 *
 * Anyone may name any URL, so what an anonymous caller makes the server do is bounded: fetches
 * not answered from the cache are capped per client address (`admit`, 429) and per host (503),
 * and every cache is bounded. Failures are remembered per client_id, and per host only for what
 * belongs to the host whatever the path (its name does not resolve, or only to refused
 * addresses): naming `https://victim.example/missing` fails that URL alone, never the victim's
 * own document, and a refusal for a full cap is not remembered at all.
 */
@Injectable()
export class ClientMetadataDocuments {
  private readonly logger = new Logger(ClientMetadataDocuments.name);
  /** Good documents. Failures are held apart: failing ids cannot push good documents out. */
  private readonly documents = new ExpiringCache<string, OAuthClient>(CACHE_ENTRIES);
  /** client_ids whose fetch failed or whose document was refused. */
  private readonly refusedIds = new ExpiringCache<string, true>(CACHE_ENTRIES);
  /** Hosts (`URL#host`) whose name did not resolve (in time), or only to refused addresses. */
  private readonly unusableHosts = new ExpiringCache<string, true>(CACHE_ENTRIES);
  private readonly fetches = new SingleFlight<string, OAuthClient | null>();
  private readonly perClientAddress = new InFlightLimit<string>(
    CLIENT_METADATA_DOCUMENT_LIMITS.maxFirstFetchesPerClientAddress,
  );
  private readonly perHost = new InFlightLimit<string>(
    CLIENT_METADATA_DOCUMENT_LIMITS.maxFetchesPerHost,
  );

  constructor(
    private readonly fetcher: GuardedFetcher,
    private readonly clientMetadata: ClientMetadataConfig,
    private readonly clock: Clock,
    private readonly server: ServerConfig,
    private readonly grantTypes: RegistrableGrantTypes,
    resourceServers: ResourceServersConfig,
  ) {
    this.declaredScopes = declaredScopeNames(resourceServers);
  }

  /** The scopes of the declared APIs, which a document's `scope` may name (RESOURCE_SERVERS). */
  private readonly declaredScopes: ReadonlySet<string>;

  /** Whether `clientId` names a metadata document (and documents are enabled). */
  handles(clientId: string): boolean {
    const { enabled, allowPrivate } = this.clientMetadata;
    return (
      enabled &&
      (clientId.startsWith('https://') || (allowPrivate && clientId.startsWith('http://')))
    );
  }

  /**
   * Admits a request that names `clientId`, from `clientAddress` (its limit key), before the
   * request looks the client up: nothing when no fetch can follow (not a document's id, an id
   * refused without fetching, a verdict in the cache); else one of the address's few slots for
   * first-time fetches, to release when the request is done. Throws `TooManyRequests` when the
   * address has them all in flight.
   */
  admit(clientId: string, clientAddress: string): Release | undefined {
    if (!this.handles(clientId)) return undefined;
    const checked = checkClientIdUrl(clientId, this.clientMetadata.allowPrivate);
    if (typeof checked === 'string' || this.settled(clientId, checked) !== undefined) {
      return undefined;
    }
    const release = this.perClientAddress.tryAcquire(clientAddress);
    if (!release) {
      throw new TooManyRequests(
        'Too many client metadata documents are being fetched for this address; retry shortly',
        RETRY_AFTER_SECONDS,
      );
    }
    return release;
  }

  /**
   * The client the document at `clientId` describes, or null. Throws `TemporarilyUnavailable`
   * when the document must be fetched and its host already has the most fetches in flight.
   */
  async find(clientId: string): Promise<OAuthClient | null> {
    const checked = checkClientIdUrl(clientId, this.clientMetadata.allowPrivate);
    if (typeof checked === 'string') {
      // Refused before any fetch, and not remembered: checking again costs less than storing.
      this.logRefusal(clientId, checked);
      return null;
    }
    const settled = this.settled(clientId, checked);
    if (settled !== undefined) return settled;
    return this.fetches.run(clientId, () => this.fetchOnce(clientId, checked));
  }

  /** The cached verdict (null: refused), or undefined when the document must be fetched. */
  private settled(clientId: string, url: URL): OAuthClient | null | undefined {
    const now = this.clock.now().getTime();
    const document = this.documents.get(clientId, now);
    if (document) return document;
    if (this.refusedIds.get(clientId, now) || this.unusableHosts.get(url.host, now)) return null;
    return undefined;
  }

  private fetchOnce(clientId: string, url: URL): Promise<OAuthClient | null> {
    const release = this.perHost.tryAcquire(url.host);
    if (!release) {
      // Not remembered: whoever filled the host's slots must not make its clients unknown.
      return Promise.reject(
        new TemporarilyUnavailable(
          "Too many client metadata documents are being fetched from this client_id's host; retry shortly",
          RETRY_AFTER_SECONDS,
        ),
      );
    }
    return this.load(clientId, url).finally(release);
  }

  private async load(clientId: string, url: URL): Promise<OAuthClient | null> {
    try {
      const fetched = await this.fetcher.get(url, {
        maxBytes: CLIENT_METADATA_DOCUMENT_LIMITS.maxBytes,
        timeoutMs: CLIENT_METADATA_DOCUMENT_LIMITS.timeoutMs,
        allowPrivate: this.clientMetadata.allowPrivate,
        accept: 'application/json',
        ...(this.clientMetadata.extraCaCertificates
          ? { extraCaCertificates: this.clientMetadata.extraCaCertificates }
          : {}),
      });
      const client = toClient(clientId, url, fetched.contentType, fetched.body, {
        production: this.server.isProduction,
        grantTypeRules: this.grantTypes.rules,
        declaredScopes: this.declaredScopes,
      });
      const ttlSeconds = documentCacheSeconds(fetched.cacheControl);
      this.documents.set(clientId, client, this.clock.now().getTime() + ttlSeconds * 1000);
      return client;
    } catch (error) {
      if (
        !(error instanceof OutboundFetchError) &&
        !(error instanceof DocumentRefused) &&
        !(error instanceof ProtocolError)
      ) {
        throw error;
      }
      // The host and the reason only: a document may hold anything, secrets included.
      this.logRefusal(clientId, error instanceof ProtocolError ? error.description : error.message);
      const until =
        this.clock.now().getTime() + CLIENT_METADATA_DOCUMENT_LIMITS.failureCacheSeconds * 1000;
      // Only the host's own failure is the host's: a path that fails is that URL's alone.
      if (error instanceof OutboundFetchError && error.hostUnusable) {
        this.unusableHosts.set(url.host, true, until);
      } else {
        this.refusedIds.set(clientId, true, until);
      }
      return null;
    }
  }

  private logRefusal(clientId: string, reason: string): void {
    this.logger.warn(`Client metadata document from ${hostOf(clientId)} refused: ${reason}`);
  }
}

function hostOf(clientId: string): string {
  return URL.canParse(clientId) ? new URL(clientId).host : '(not a URL)';
}

/**
 * The draft's rules for a client_id URL: https, a path, no fragment, no userinfo, no dot
 * segments, and written as URL parsing gives it back (so the id compared is the URL fetched; an
 * explicit `:443` is therefore refused as not normalised). Besides: the default port only, so a
 * client_id cannot aim the server at another service of a host (its SMTP, its admin port).
 * `allowPrivate` (development and tests) lifts the port rule, as it allows plain http. The URL,
 * or why it is refused.
 */
export function checkClientIdUrl(clientId: string, allowPrivate: boolean): URL | string {
  if (!URL.canParse(clientId)) return 'client_id is not a URL';
  const url = new URL(clientId);
  if (url.hash !== '' || clientId.includes('#')) return 'client_id has a fragment';
  if (url.username !== '' || url.password !== '' || /^[^:/?]+:\/\/[^/?]*@/.test(clientId)) {
    return 'client_id has userinfo';
  }
  if (url.pathname === '/') return 'client_id has no path';
  if (url.port !== '' && !allowPrivate) {
    return `client_id names port ${url.port}: documents are fetched from port 443 only`;
  }
  if (/\/\.{1,2}(?:\/|$)/.test(clientId.split('?')[0]) || url.href !== clientId) {
    return 'client_id is not in normalised form';
  }
  return url;
}

function toClient(
  clientId: string,
  url: URL,
  contentType: string | undefined,
  body: Buffer,
  options: {
    production: boolean;
    grantTypeRules: GrantTypeRules;
    declaredScopes: ReadonlySet<string>;
  },
): OAuthClient {
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '')) {
    throw new DocumentRefused('the document is not application/json');
  }
  let document: unknown;
  try {
    // Another reader of the document (the client's own tooling) may keep the first of two
    // members of one name, where JSON.parse keeps the last: refused, not guessed.
    document = parseJson(body.toString('utf8'));
  } catch (error) {
    if (error instanceof DuplicateMemberName)
      throw new DocumentRefused(`the document ${error.message}`);
    throw new DocumentRefused('the document is not valid JSON');
  }
  const fields = (typeof document === 'object' && document !== null ? document : {}) as Record<
    string,
    unknown
  >;
  if (fields.client_id !== clientId) {
    throw new DocumentRefused('the document names another client_id');
  }
  if (fields.client_secret !== undefined || fields.client_secret_expires_at !== undefined) {
    throw new DocumentRefused('the document contains a client secret');
  }
  const metadata = parseClientMetadata(document, 'none', options);
  // A document cannot deliver a secret: it describes a public client (absent means none here),
  // or one that proves itself with the keys it publishes (RFC 7523 private_key_jwt).
  const method = metadata.tokenEndpointAuthMethod ?? 'none';
  if (method !== 'none' && method !== 'private_key_jwt') {
    throw new DocumentRefused('token_endpoint_auth_method must be "none" or "private_key_jwt"');
  }
  // Anyone can publish a document: a grant that prompts a person (CIBA) is the operator's to give.
  const operatorOnly = operatorOnlyGrantType(metadata.grantTypes, options.grantTypeRules);
  if (operatorOnly !== undefined) {
    throw new DocumentRefused(
      `grant_types may not hold ${operatorOnly}: only a client the operator registers may`,
    );
  }
  return {
    clientId,
    name: metadata.clientName ?? url.host,
    ...registeredFields(metadata, method),
    metadataDocument: true,
  };
}
