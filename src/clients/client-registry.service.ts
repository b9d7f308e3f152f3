import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ExpiringCache } from '../platform/cache/expiring-cache';
import { Clock } from '../platform/clock/clock';
import { SingleFlight } from '../platform/concurrency/single-flight';
import { PasswordHasher } from '../platform/crypto/password-hasher';
import { AppConfig, ClientConfig } from '../config/app-config';
import { ClientRepository } from './client.repository';
import { ClientMetadataDocuments } from './metadata-document/client-metadata-documents.service';
import { OAuthClient } from './oauth-client';

/** Most clients held in memory; unknown ids are held apart so they cannot push known ones out. */
const CACHE_ENTRIES = 10_000;

/**
 * Registers the configured clients in MongoDB at start-up and looks clients up. Lookups are
 * served from memory for `CLIENT_CACHE_TTL_SECONDS` (unknown ids too), and concurrent lookups of
 * one id share one read: /token, /authorize and wallet login do not read MongoDB per request.
 * The price is a propagation delay: a client changed or removed in the database (by another
 * instance's configuration) is seen here at most that many seconds later.
 */
@Injectable()
export class ClientRegistry implements OnModuleInit {
  private readonly logger = new Logger(ClientRegistry.name);
  private readonly known = new ExpiringCache<string, OAuthClient>(CACHE_ENTRIES);
  private readonly unknown = new ExpiringCache<string, true>(CACHE_ENTRIES);
  private readonly lookups = new SingleFlight<string, OAuthClient | null>();
  private readonly originsCache = new ExpiringCache<'all', ReadonlySet<string>>(1);
  private readonly originLookups = new SingleFlight<'all', ReadonlySet<string>>();

  constructor(
    private readonly clients: ClientRepository,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly documents: ClientMetadataDocuments,
  ) {}

  async onModuleInit(): Promise<void> {
    for (const client of this.config.oauth.clients) await this.register(client);
  }

  /**
   * The client, or null when there is none. A client_id that is an https URL is a client ID
   * metadata document's (never stored, fetched and cached by ClientMetadataDocuments): an
   * unusable document is an unknown client, wherever the lookup happens.
   */
  async find(clientId: string): Promise<OAuthClient | null> {
    if (this.documents.handles(clientId)) return this.documents.find(clientId);
    const now = this.clock.now().getTime();
    const cached = this.known.get(clientId, now);
    if (cached) return cached;
    if (this.unknown.get(clientId, now)) return null;
    return this.lookups.run(clientId, () => this.load(clientId));
  }

  /**
   * Whether `origin` is the origin of some registered client's redirect URI: the web origins a
   * browser-based client calls the token endpoint from (CORS). One read of all clients, cached
   * like lookups are, and only when a cross-origin request asks.
   */
  async isRedirectOrigin(origin: string): Promise<boolean> {
    const cached = this.originsCache.get('all', this.clock.now().getTime());
    const origins = cached ?? (await this.originLookups.run('all', () => this.loadOrigins()));
    return origins.has(origin);
  }

  /**
   * Stores a dynamically registered client (RFC 7591) and makes it usable at once on this
   * instance: a lookup of its id just before (cached as unknown) is forgotten. Other instances
   * see it when their own cached "unknown" for that id expires: within CLIENT_CACHE_TTL_SECONDS,
   * and in practice at once, since nobody looks up an id before it is issued.
   */
  async add(client: OAuthClient): Promise<void> {
    if (!(await this.clients.insertIfAbsent(client))) {
      // 128 random bits: a collision means a broken random source, not bad luck.
      throw new Error(`client_id ${client.clientId} is already taken`);
    }
    this.forget(client.clientId);
  }

  private async loadOrigins(): Promise<ReadonlySet<string>> {
    const origins = new Set<string>();
    for (const client of await this.clients.list()) {
      for (const uri of client.redirectUris) {
        // A private-use scheme (a native app) has the opaque origin "null": never a CORS origin.
        const url = URL.canParse(uri) ? new URL(uri) : undefined;
        if (url?.protocol === 'https:' || url?.protocol === 'http:') origins.add(url.origin);
      }
    }
    const ttlMs = this.config.clientAuth.registryCacheTtlSeconds * 1000;
    if (ttlMs > 0) this.originsCache.set('all', origins, this.clock.now().getTime() + ttlMs);
    return origins;
  }

  private async load(clientId: string): Promise<OAuthClient | null> {
    const client = await this.clients.findById(clientId);
    const ttlMs = this.config.clientAuth.registryCacheTtlSeconds * 1000;
    if (ttlMs > 0) {
      const expiresAt = this.clock.now().getTime() + ttlMs;
      if (client) this.known.set(clientId, client, expiresAt);
      else this.unknown.set(clientId, true, expiresAt);
    }
    return client;
  }

  private forget(clientId: string): void {
    this.known.delete(clientId);
    this.unknown.delete(clientId);
    this.originsCache.delete('all');
  }

  private async register(wanted: ClientConfig): Promise<void> {
    const existing = await this.clients.findById(wanted.clientId);
    // Hashing is slow on purpose: re-hash only when the secret actually changed.
    const secretHash =
      wanted.clientSecret === undefined
        ? undefined
        : existing?.secretHash &&
            (await this.hasher.verify(wanted.clientSecret, existing.secretHash))
          ? existing.secretHash
          : await this.hasher.hash(wanted.clientSecret);
    const client: OAuthClient = {
      clientId: wanted.clientId,
      type: secretHash ? 'confidential' : 'public',
      name: wanted.name,
      redirectUris: [...wanted.redirectUris],
      ...(secretHash ? { secretHash } : {}),
      ...(wanted.resources?.length ? { resources: [...wanted.resources] } : {}),
      ...(wanted.firstParty ? { firstParty: true } : {}),
    };
    const unchanged =
      existing &&
      existing.type === client.type &&
      existing.name === client.name &&
      existing.secretHash === client.secretHash &&
      existing.firstParty === client.firstParty &&
      existing.redirectUris.join('\n') === client.redirectUris.join('\n') &&
      (existing.resources ?? []).join('\n') === (client.resources ?? []).join('\n');
    if (unchanged) return;
    await this.clients.save(client);
    this.forget(client.clientId);
    this.logger.log(`Registered ${client.type} client ${client.clientId}`);
  }
}
