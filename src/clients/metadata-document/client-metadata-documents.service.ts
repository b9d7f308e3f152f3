import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { ExpiringCache } from '../../platform/cache/expiring-cache';
import { Clock } from '../../platform/clock/clock';
import { SingleFlight } from '../../platform/concurrency/single-flight';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { GuardedFetcher, OutboundFetchError } from '../../platform/http/outbound/guarded-fetcher';
import type { OAuthClient } from '../oauth-client';
import { parseClientMetadata } from '../registration/client-metadata';

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
} as const;

const CACHE_ENTRIES = 1_000;

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
 */
@Injectable()
export class ClientMetadataDocuments {
  private readonly logger = new Logger(ClientMetadataDocuments.name);
  private readonly cache = new ExpiringCache<string, OAuthClient | null>(CACHE_ENTRIES);
  private readonly fetches = new SingleFlight<string, OAuthClient | null>();

  constructor(
    private readonly fetcher: GuardedFetcher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** Whether `clientId` names a metadata document (and documents are enabled). */
  handles(clientId: string): boolean {
    const { enabled, allowPrivate } = this.config.clientMetadata;
    return (
      enabled &&
      (clientId.startsWith('https://') || (allowPrivate && clientId.startsWith('http://')))
    );
  }

  async find(clientId: string): Promise<OAuthClient | null> {
    const now = this.clock.now().getTime();
    const cached = this.cache.get(clientId, now);
    if (cached !== undefined) return cached;
    return this.fetches.run(clientId, () => this.load(clientId));
  }

  private async load(clientId: string): Promise<OAuthClient | null> {
    let client: OAuthClient | null = null;
    let ttlSeconds: number = CLIENT_METADATA_DOCUMENT_LIMITS.failureCacheSeconds;
    try {
      const url = checkedClientIdUrl(clientId);
      const fetched = await this.fetcher.get(url, {
        maxBytes: CLIENT_METADATA_DOCUMENT_LIMITS.maxBytes,
        timeoutMs: CLIENT_METADATA_DOCUMENT_LIMITS.timeoutMs,
        allowPrivate: this.config.clientMetadata.allowPrivate,
        accept: 'application/json',
        ...(this.config.clientMetadata.extraCaCertificates
          ? { extraCaCertificates: this.config.clientMetadata.extraCaCertificates }
          : {}),
      });
      client = toClient(clientId, url, fetched.contentType, fetched.body);
      ttlSeconds = documentCacheSeconds(fetched.cacheControl);
    } catch (error) {
      if (
        !(error instanceof OutboundFetchError) &&
        !(error instanceof DocumentRefused) &&
        !(error instanceof ProtocolError)
      ) {
        throw error;
      }
      // The host and the reason only: a document may hold anything, secrets included.
      const reason = error instanceof ProtocolError ? error.description : error.message;
      this.logger.warn(`Client metadata document from ${hostOf(clientId)} refused: ${reason}`);
    }
    this.cache.set(clientId, client, this.clock.now().getTime() + ttlSeconds * 1000);
    return client;
  }
}

function hostOf(clientId: string): string {
  return URL.canParse(clientId) ? new URL(clientId).host : '(not a URL)';
}

/**
 * The draft's rules for a client_id URL: https, a path, no fragment, no userinfo, no dot
 * segments, and written as URL parsing gives it back (so the id compared is the URL fetched).
 */
function checkedClientIdUrl(clientId: string): URL {
  if (!URL.canParse(clientId)) throw new DocumentRefused('client_id is not a URL');
  const url = new URL(clientId);
  if (url.hash !== '' || clientId.includes('#'))
    throw new DocumentRefused('client_id has a fragment');
  if (url.username !== '' || url.password !== '' || /^[^:/?]+:\/\/[^/?]*@/.test(clientId)) {
    throw new DocumentRefused('client_id has userinfo');
  }
  if (url.pathname === '/') throw new DocumentRefused('client_id has no path');
  if (/\/\.{1,2}(?:\/|$)/.test(clientId.split('?')[0]) || url.href !== clientId) {
    throw new DocumentRefused('client_id is not in normalised form');
  }
  return url;
}

function toClient(
  clientId: string,
  url: URL,
  contentType: string | undefined,
  body: Buffer,
): OAuthClient {
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType ?? '')) {
    throw new DocumentRefused('the document is not application/json');
  }
  let document: unknown;
  try {
    document = JSON.parse(body.toString('utf8'));
  } catch {
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
  const metadata = parseClientMetadata(document);
  // A document cannot deliver a secret: it describes a public client (absent means none here).
  if ((metadata.tokenEndpointAuthMethod ?? 'none') !== 'none') {
    throw new DocumentRefused('token_endpoint_auth_method must be "none"');
  }
  return {
    clientId,
    type: 'public',
    name: metadata.clientName ?? url.host,
    redirectUris: metadata.redirectUris,
    grantTypes: metadata.grantTypes,
    metadataDocument: true,
  };
}
