import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ExpiringCache } from '../platform/cache/expiring-cache';
import { Clock } from '../platform/clock/clock';
import { SingleFlight } from '../platform/concurrency/single-flight';
import { PasswordHasher } from '../platform/crypto/password-hasher';
import { ClientAuthConfig } from '../config/sections/client-auth.config';
import { ClientConfig, OAuthConfig } from '../config/sections/oauth.config';
import { ClientRepository } from './client.repository';
import { ClientMetadataDocuments } from './metadata-document/client-metadata-documents.service';
import { isLive, OAuthClient } from './oauth-client';
import { singleStoredSecret } from './client-secrets';
import { RegisteredClientExpiry } from './registration/registered-client-expiry';
import { isWebOrigin, webOriginsOf } from './web-origins';
import { isNativeClient } from './check-redirect-uri';
import { isLoopbackHttpUri } from '../protocol-rules/loopback-port';
import { RegistrationConfig } from '../config/sections/registration.config';
import { ConfigError } from '../config/env-parsers';
import { configuredClientGrantProblems } from './configured-client-grants';
import { configuredClientFields, sameConfiguredClient } from './configured-client';
import { RegistrableGrantTypes } from './registration/registrable-grant-types';

/**
 * Most clients (and origins) held in memory; unknown ids and refused origins are held apart so
 * they cannot push known ones out.
 */
const CACHE_ENTRIES = 10_000;
/** A web origin on a loopback IP literal of RFC 8252 §7.3 (a serialised origin: isWebOrigin). */
const LOOPBACK_IP_ORIGIN = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::\d+)?$/;

/**
 * Registers the configured clients in MongoDB at start-up and looks clients up. Lookups are
 * served from memory for `CLIENT_CACHE_TTL_SECONDS` (unknown ids too), and concurrent lookups of
 * one id share one read: /token, /authorize and wallet login do not read MongoDB per request.
 * The price is a propagation delay: a client changed or removed in the database (by another
 * instance's configuration) is seen here at most that many seconds later. A client past its
 * `expiresAt` is unknown at every lookup, cached or not.
 */
@Injectable()
export class ClientRegistry implements OnModuleInit {
  private readonly logger = new Logger(ClientRegistry.name);
  private readonly known = new ExpiringCache<string, OAuthClient>(CACHE_ENTRIES);
  private readonly unknown = new ExpiringCache<string, true>(CACHE_ENTRIES);
  private readonly lookups = new SingleFlight<string, OAuthClient | null>();
  private readonly allowedOrigins = new ExpiringCache<string, true>(CACHE_ENTRIES);
  private readonly refusedOrigins = new ExpiringCache<string, true>(CACHE_ENTRIES);
  private readonly originLookups = new SingleFlight<string, boolean>();
  /** The web origins of the live first-party public clients, read at most once per cache age. */
  private firstPartyOrigins: { origins: ReadonlySet<string>; until: number } | undefined;
  private readonly firstPartyLookups = new SingleFlight<'all', ReadonlySet<string>>();
  /** Registered clients whose use was written lately, so the next tokens write nothing. */
  private readonly recentlyUsed = new ExpiringCache<string, true>(CACHE_ENTRIES);
  private readonly useWrites = new SingleFlight<string, void>();
  private readonly expiry: RegisteredClientExpiry;
  /** The ids OAUTH_CLIENTS names: a stored client registered from it and not among them is unknown. */
  private readonly configuredIds: ReadonlySet<string>;

  constructor(
    private readonly clients: ClientRepository,
    private readonly hasher: PasswordHasher,
    private readonly oauth: OAuthConfig,
    private readonly clientAuth: ClientAuthConfig,
    private readonly clock: Clock,
    private readonly documents: ClientMetadataDocuments,
    registration: RegistrationConfig,
    private readonly grantTypes: RegistrableGrantTypes,
  ) {
    this.expiry = new RegisteredClientExpiry(registration);
    this.configuredIds = new Set(oauth.clients.map((client) => client.clientId));
  }

  async onModuleInit(): Promise<void> {
    // OAUTH_CLIENTS' grant types, by the rules of the grants this service has: before anything
    // is written, and failing the start with one line per client, as invalid configuration does.
    const problems = configuredClientGrantProblems(this.oauth, this.grantTypes.rules);
    if (problems.length > 0) throw new ConfigError(problems);
    // Before anything is registered: a database written by an earlier version gets its origin
    // index (existing clients keep CORS) and its registered clients an expiry.
    await this.clients.prepare(this.expiry.afterUse(this.clock.now()));
    for (const client of this.oauth.clients) await this.register(client);
    await this.reportUnconfigured();
  }

  /**
   * The client, or null when there is none. A client_id that is an https URL is a client ID
   * metadata document's (never stored, fetched and cached by ClientMetadataDocuments): an
   * unusable document is an unknown client, wherever the lookup happens. A usable one is a use
   * (recordUse): its redirect URIs' web origins join the origin index, so that the page the
   * user returns to may call /token (CORS) as a registered client's may.
   */
  async find(clientId: string): Promise<OAuthClient | null> {
    if (this.documents.handles(clientId)) {
      const client = await this.documents.find(clientId);
      if (client) await this.recordUse(client);
      return client;
    }
    const now = this.clock.now().getTime();
    const cached = this.known.get(clientId, now);
    // A cached client past its expiry is read again: another instance may have recorded a use.
    if (cached && isLive(cached, now)) return cached;
    if (!cached && this.unknown.get(clientId, now)) return null;
    return this.lookups.run(clientId, () => this.load(clientId));
  }

  /**
   * Whether the tokens of `clientId` may still be used at a resource: it is a client this instance
   * knows (a lookup as `find`'s, from memory as a rule). A client ID metadata document's is not
   * fetched for this: its tokens stand until they end, as a document's client has no removal.
   */
  async stillKnown(clientId: string): Promise<boolean> {
    if (this.documents.handles(clientId)) return true;
    return (await this.find(clientId)) !== null;
  }

  /**
   * Whether `origin` is the origin of some live client's redirect URI: the web origins a
   * browser-based client calls the token endpoint from (CORS). One read by `_id` of the origin
   * index, whatever the number of clients, cached per origin (allowed or not) like lookups are;
   * concurrent checks of one origin share the read.
   */
  async isRedirectOrigin(origin: string): Promise<boolean> {
    if (!isWebOrigin(origin)) return false;
    const now = this.clock.now().getTime();
    if (this.allowedOrigins.get(origin, now)) return true;
    if (this.refusedOrigins.get(origin, now)) return false;
    return this.originLookups.run(origin, () => this.loadOrigin(origin));
  }

  /**
   * Whether `origin` is the origin of a redirect URI of a live first-party public client: the
   * operator's own browser apps (first-party endpoints, CORS). Such clients are few and made only
   * by operators, so their origins are read together (one indexed read) and held for
   * `CLIENT_CACHE_TTL_SECONDS`: a client added by the admin CLI answers within that time.
   */
  async isFirstPartyPublicOrigin(origin: string): Promise<boolean> {
    if (!isWebOrigin(origin)) return false;
    const now = this.clock.now().getTime();
    const cached = this.firstPartyOrigins;
    const origins =
      cached && cached.until > now
        ? cached.origins
        : await this.firstPartyLookups.run('all', () => this.loadFirstPartyOrigins());
    return origins.has(origin);
  }

  /**
   * A token was issued to `client`: a registered client's use extends its expiry, a client ID
   * metadata document's (not stored) keeps its web origins in the origin index as long (it is
   * also used when looked up). Written about once a day per client and instance (see
   * RegisteredClientExpiry), never once per token; concurrent tokens share the write. A failed
   * write is logged, not answered: the tokens are issued already, and the next use tries again.
   */
  async recordUse(client: OAuthClient): Promise<void> {
    if (client.expiresAt === undefined && !client.metadataDocument) return;
    const now = this.clock.now();
    const nowMs = now.getTime();
    const interval = this.expiry.useRecordingIntervalMs;
    if (client.lastUsedAt && nowMs - client.lastUsedAt.getTime() < interval) return;
    const origins = client.metadataDocument ? webOriginsOf(client.redirectUris) : [];
    // A document may name other redirect URIs tomorrow: those are a use of their own.
    const use = client.metadataDocument
      ? JSON.stringify([client.clientId, origins])
      : client.clientId;
    if (this.recentlyUsed.get(use, nowMs)) return;
    try {
      await this.useWrites.run(use, async () => {
        if (client.metadataDocument) {
          await this.clients.keepOrigins(origins, this.expiry.afterUse(now));
        } else {
          await this.clients.recordUse(client, now, this.expiry.afterUse(now));
        }
        // This instance's cached refusals of the origins go; another's within the cache's age.
        this.forget(client.clientId, origins);
        this.recentlyUsed.set(use, true, nowMs + interval);
      });
    } catch (error) {
      this.logger.warn(
        `Could not record the use of client ${client.clientId}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
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
    // Only this client's id and origins: a registration clears no cache anyone else relies on.
    this.forget(client.clientId, webOriginsOf(client.redirectUris));
  }

  /**
   * An administrative change of a stored client (its secrets, its metadata, its removal), seen at
   * once by this instance: a rotation through the admin API is in force here on its answer. Other
   * instances see it within CLIENT_CACHE_TTL_SECONDS, as they see any change of the store.
   */
  forgetChanged(client: Pick<OAuthClient, 'clientId' | 'redirectUris'>): void {
    this.firstPartyOrigins = undefined;
    this.forget(client.clientId, webOriginsOf(client.redirectUris));
  }

  private async loadOrigin(origin: string): Promise<boolean> {
    const expiresAt = await this.clients.originExpiry(origin);
    const now = this.clock.now().getTime();
    const registered = expiresAt !== null && expiresAt.getTime() > now;
    const allowed = registered || (await this.isNativeLoopbackOrigin(origin));
    const ttlMs = this.clientAuth.registryCacheTtlSeconds * 1000;
    if (ttlMs > 0) {
      if (allowed) {
        const until = registered ? Math.min(now + ttlMs, expiresAt.getTime()) : now + ttlMs;
        this.allowedOrigins.set(origin, true, until);
      } else this.refusedOrigins.set(origin, true, now + ttlMs);
    }
    return allowed;
  }

  /**
   * Outside production (OAuthConfig.loopbackAnyPort): whether `origin` is a loopback IP origin
   * (`http://127.0.0.1:<port>`, `http://[::1]:<port>`) of a configured native client, on any port,
   * as RFC 8252 §7.3 lets it use its loopback redirect URI there: a developer's browser app
   * (examples/spa as demo-spa) then calls /token from whatever port it runs on. Configured clients
   * only (few, held in memory, each looked up as usual); never `localhost`, never https, never
   * in production, where an origin is a registered one exactly.
   */
  private async isNativeLoopbackOrigin(origin: string): Promise<boolean> {
    const host = LOOPBACK_IP_ORIGIN.exec(origin)?.[1];
    if (!this.oauth.loopbackAnyPort || host === undefined) return false;
    const onHost = (uris: readonly string[]) => uris.some((uri) => isLoopbackHttpUri(uri, [host]));
    for (const configured of this.oauth.clients) {
      if (!onHost(configured.redirectUris)) continue;
      const client = await this.find(configured.clientId);
      if (client && isNativeClient(client) && onHost(client.redirectUris)) return true;
    }
    return false;
  }

  private async loadFirstPartyOrigins(): Promise<ReadonlySet<string>> {
    const clients = await this.clients.firstPartyClients();
    const now = this.clock.now().getTime();
    const origins = new Set(
      clients
        .filter(
          (client) => client.type === 'public' && isLive(client, now) && !this.unconfigured(client),
        )
        .flatMap((client) => webOriginsOf(client.redirectUris)),
    );
    const ttlMs = this.clientAuth.registryCacheTtlSeconds * 1000;
    this.firstPartyOrigins = ttlMs > 0 ? { origins, until: now + ttlMs } : undefined;
    return origins;
  }

  private async load(clientId: string): Promise<OAuthClient | null> {
    const stored = await this.clients.findById(clientId);
    const now = this.clock.now().getTime();
    const client = stored && isLive(stored, now) && !this.unconfigured(stored) ? stored : null;
    const ttlMs = this.clientAuth.registryCacheTtlSeconds * 1000;
    if (!client) this.known.delete(clientId);
    if (ttlMs > 0) {
      const expiresAt = now + ttlMs;
      if (client) this.known.set(clientId, client, expiresAt);
      else this.unknown.set(clientId, true, expiresAt);
    }
    return client;
  }

  /**
   * A client registered from OAUTH_CLIENTS that this instance's OAUTH_CLIENTS no longer names:
   * unknown here, whatever the database still holds (its record, grants and streams stay until
   * an operator removes it, or the entry comes back). Each instance goes by its own configuration,
   * so a rolling change of OAUTH_CLIENTS never has an instance undo another's.
   */
  private unconfigured(client: OAuthClient): boolean {
    return client.configured === true && !this.configuredIds.has(client.clientId);
  }

  /** One line per client OAUTH_CLIENTS no longer names, saying what ends it for good. */
  private async reportUnconfigured(): Promise<void> {
    const stale = (await this.clients.configuredClientIds()).filter(
      (clientId) => !this.configuredIds.has(clientId),
    );
    for (const clientId of stale.sort()) {
      this.logger.warn(
        `Client ${clientId} was registered from OAUTH_CLIENTS, which no longer names it: unknown ` +
          `here. \`proofgate-admin clients remove ${clientId}\` removes it with its grants and ` +
          `streams; naming it again in OAUTH_CLIENTS restores it`,
      );
    }
  }

  private forget(clientId: string, origins: readonly string[]): void {
    this.known.delete(clientId);
    this.unknown.delete(clientId);
    for (const origin of origins) {
      this.allowedOrigins.delete(origin);
      this.refusedOrigins.delete(origin);
    }
  }

  private async register(wanted: ClientConfig): Promise<void> {
    const existing = await this.clients.findById(wanted.clientId);
    const secretHash =
      wanted.clientSecret === undefined
        ? undefined
        : (wanted.clientSecretHash ?? (await this.secretHashOf(wanted.clientSecret, existing)));
    const client: OAuthClient = {
      clientId: wanted.clientId,
      type: secretHash || wanted.jwks || wanted.jwksUri ? 'confidential' : 'public',
      // The configuration holds one secret: no rotation here, so no id or dates of its own.
      ...(secretHash ? { secrets: [singleStoredSecret(secretHash)] } : {}),
      configured: true,
      ...configuredClientFields(wanted),
    };
    const unchanged = existing !== null && sameConfiguredClient(existing, client);
    if (unchanged) return;
    await this.clients.save(client);
    this.firstPartyOrigins = undefined;
    this.forget(client.clientId, [
      ...webOriginsOf(client.redirectUris),
      ...webOriginsOf(existing?.redirectUris ?? []),
    ]);
    this.logger.log(`Registered ${client.type} client ${client.clientId}`);
  }

  /** Hashing is slow on purpose: a configured secret that still matches its stored hash keeps it. */
  private async secretHashOf(secret: string, existing: OAuthClient | null): Promise<string> {
    for (const stored of existing?.secrets ?? []) {
      if (await this.hasher.verify(secret, stored.hash)) return stored.hash;
    }
    return this.hasher.hash(secret);
  }
}
