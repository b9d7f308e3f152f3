import { Injectable, Logger } from '@nestjs/common';
import type { HttpRequest as Request } from '../platform/http/http-exchange';
import { createHmac, randomBytes } from 'node:crypto';
import { ExpiringCache } from '../platform/cache/expiring-cache';
import {
  ChallengeIssued,
  ChallengeRedeemed,
  ChallengeRejected,
} from '../challenges/challenge.events';
import { Clock } from '../platform/clock/clock';
import { DomainEvents } from '../platform/events/domain-events';
import { BoundedWorkQueue, WorkQueueFull } from '../platform/concurrency/bounded-work-queue';
import { SingleFlight } from '../platform/concurrency/single-flight';
import { PasswordHasher } from '../platform/crypto/password-hasher';
import { parseBasicCredentials } from '../platform/http/basic-credentials';
import {
  InvalidClient,
  InvalidRequest,
  TemporarilyUnavailable,
  TooManyRequests,
} from '../platform/errors/protocol-error';
import { ClientAuthConfig } from '../config/sections/client-auth.config';
import { CLIENT_ASSERTION_TYPE } from '../protocol-rules/client-jwks';
import { assertedClientId, ClientAssertionVerifier } from './assertion/client-assertion.verifier';
import { ClientRegistry } from './client-registry.service';
import { clientLabel, OAuthClient, usesPrivateKeyJwt } from './oauth-client';
import { type ClientSecret, liveSecrets } from './client-secrets';

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
  /** RFC 7521 §4.2 `client_assertion` (private_key_jwt, RFC 7523 §2.2). */
  clientAssertion?: string;
  /** RFC 7521 §4.2 `client_assertion_type`. */
  clientAssertionType?: string;
  /** `client_secret_basic` was used. */
  viaBasic: boolean;
  /** Where the request comes from (`clientAddress`): failed authentications count per address. */
  callerAddress: string;
}

export function readClientCredentials(
  request: Pick<Request, 'headers'>,
  body: Record<string, string | undefined>,
  callerAddress: string,
): ClientCredentials {
  const header = request.headers.authorization;
  const assertion =
    body.client_assertion === undefined && body.client_assertion_type === undefined
      ? {}
      : {
          ...(body.client_assertion !== undefined
            ? { clientAssertion: body.client_assertion }
            : {}),
          ...(body.client_assertion_type !== undefined
            ? { clientAssertionType: body.client_assertion_type }
            : {}),
        };
  if (header === undefined) {
    // RFC 6749 §2.3: one method per request.
    if ('clientAssertion' in assertion && body.client_secret !== undefined) {
      throw new InvalidClient('Use only one client authentication method');
    }
    return {
      clientId: body.client_id,
      clientSecret: body.client_secret,
      ...assertion,
      viaBasic: false,
      callerAddress,
    };
  }
  const basic = parseBasicCredentials(header);
  if (!basic) throw new InvalidClient('Malformed Basic client authentication');
  if (body.client_secret !== undefined) {
    throw new InvalidRequest('Use only one client authentication method');
  }
  if (Object.keys(assertion).length > 0) {
    throw new InvalidClient('Use only one client authentication method');
  }
  if (body.client_id !== undefined && body.client_id !== basic.username) {
    throw new InvalidRequest('client_id does not match the authenticated client');
  }
  return { clientId: basic.username, clientSecret: basic.password, viaBasic: true, callerAddress };
}

/** What a request refused for a saturated verification queue is told to wait. */
const RETRY_WHEN_SATURATED_SECONDS = 2;
/** Verified secrets are remembered this long after their last use (sliding). */
const VERIFIED_TTL_MS = 5 * 60_000;
/** Wrong secrets are remembered this long: a repeated wrong secret costs no scrypt. */
const REFUSED_TTL_MS = 5 * 60_000;
const VERDICT_ENTRIES = 1000;
/**
 * Failure windows kept, at most: one per (address, client) that failed lately. When full, the
 * oldest makes room; an attacker who floods it with addresses has fresh windows there anyway.
 */
const FAILURE_WINDOW_ENTRIES = 10_000;

interface FailureWindow {
  failures: number;
  endsAt: number;
}

/**
 * Authenticates the client at the token, revocation and introspection endpoints (and /par,
 * /device_authorization, /backchannel): confidential clients with client_secret_basic or
 * client_secret_post, public ones with `none`. A confidential client may hold two secrets while a
 * rotation's overlap lasts: either one is accepted until its expiry, read at each request.
 *
 * A secret check is scrypt (32 MiB, tens of milliseconds), so what a caller can make this do is
 * bounded, cheapest check first:
 * 1. an unknown client id is refused from the registry cache, without hashing anything
 *    (/authorize already tells which ids exist, so there is nothing to hide by faking the work);
 * 2. a secret verified recently for this client and stored hash is accepted from memory;
 * 3. an (address, client id) with `maxFailures` failed authentications in its window gets 429
 *    until the window ends, from that address only: an attacker's failures never lock out the
 *    client from its own addresses, even on an instance that has never verified its secret
 *    (a new or restarted one). Spreading guesses over addresses is bounded by the per-IP rate
 *    limit and by step 5; a secret refused recently is refused from memory (and counts as a
 *    failure);
 * 4. concurrent requests presenting the same (client, secret) share one verification;
 * 5. at most `maxConcurrentHashes` verifications run at once, `maxQueuedHashes` more wait, and
 *    past that the request is answered 503 temporarily_unavailable: the server is saturated,
 *    which is not this caller's fault (so not 429), and it should retry shortly. Below this
 *    queue, the process runs two scrypt derivations at once whoever asks, the others waiting in
 *    order (PasswordHasher): a flood of client secrets is never more than `maxConcurrentHashes`
 *    derivations ahead of a password login.
 * The failure counters are per instance: they protect this instance's CPU. The client's own
 * rate limit is charged by the endpoints after this proof, never before.
 */
@Injectable()
export class ClientAuthenticator {
  private readonly logger = new Logger(ClientAuthenticator.name);
  /** Keys are HMACs under a per-process key: memory holds nothing to brute-force offline. */
  private readonly verdictKey = randomBytes(32);
  private readonly verified = new ExpiringCache<string, true>(VERDICT_ENTRIES);
  private readonly refused = new ExpiringCache<string, true>(VERDICT_ENTRIES);
  private readonly verifications = new SingleFlight<string, number>();
  private readonly hashing: BoundedWorkQueue;
  private readonly failures = new ExpiringCache<string, FailureWindow>(FAILURE_WINDOW_ENTRIES);

  constructor(
    private readonly registry: ClientRegistry,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
    private readonly clientAuth: ClientAuthConfig,
    private readonly assertions: ClientAssertionVerifier,
    private readonly events: DomainEvents,
  ) {
    const { maxConcurrentHashes, maxQueuedHashes } = clientAuth;
    this.hashing = new BoundedWorkQueue(maxConcurrentHashes, maxQueuedHashes);
  }

  async authenticate(credentials: ClientCredentials): Promise<OAuthClient> {
    if (
      credentials.clientAssertion !== undefined ||
      credentials.clientAssertionType !== undefined
    ) {
      return this.authenticateAssertion(credentials);
    }
    const { clientId, clientSecret } = credentials;
    if (!clientId) throw new InvalidClient('Client authentication is required');
    const client = await this.registry.find(clientId);
    if (!client) throw new InvalidClient('Client authentication failed');
    if (usesPrivateKeyJwt(client)) {
      throw new InvalidClient(
        'This client authenticates with private_key_jwt: send a client_assertion',
      );
    }
    if (client.type === 'public') {
      if (clientSecret !== undefined) {
        throw new InvalidClient('Public clients authenticate with method "none"');
      }
      return client;
    }
    if (clientSecret === undefined) {
      this.events.emit(
        new ChallengeRejected('client_secret', 'missing_secret', clientLabel(client)),
      );
      throw new InvalidClient('Client authentication is required');
    }
    // Before any hashing: a secret sent another way than the client registered costs no scrypt.
    const method = credentials.viaBasic ? 'client_secret_basic' : 'client_secret_post';
    if (client.secretMethod !== undefined && client.secretMethod !== method) {
      this.events.emit(new ChallengeRejected('client_secret', 'wrong_method', clientLabel(client)));
      throw new InvalidClient(
        `This client registered token_endpoint_auth_method ${client.secretMethod}: send its secret that way`,
      );
    }
    const failureKey = JSON.stringify([credentials.callerAddress, client.clientId]);
    // Its live secrets, now: an expired one is refused whatever a cache remembers of it.
    const candidates = liveSecrets(client.secrets ?? [], this.clock.now().getTime());
    if (
      candidates.length === 0 ||
      !(await this.verifySecret(client, candidates, clientSecret, failureKey))
    ) {
      this.recordFailure(failureKey, client.clientId);
      this.events.emit(new ChallengeRejected('client_secret', 'wrong_secret', clientLabel(client)));
      throw new InvalidClient('Client authentication failed');
    }
    // The comparison's figures (/challenge-models): a presentation is issued and redeemed at once.
    const now = this.clock.now();
    this.events.emit(new ChallengeIssued('client_secret', now, now));
    this.events.emit(new ChallengeRedeemed('client_secret', now, now, now));
    return client;
  }

  /**
   * RFC 7523 §2.2 private_key_jwt. The client is the one the request names, else the one the
   * assertion's `sub` names (the client_id parameter is optional, RFC 7521 §4.2); either way
   * the verified assertion must be its own (`iss` = `sub` = client_id). Verifying is a
   * signature check, not scrypt: it needs none of the secret's throttling.
   */
  private async authenticateAssertion(credentials: ClientCredentials): Promise<OAuthClient> {
    const { clientAssertion, clientAssertionType } = credentials;
    if (clientAssertionType !== CLIENT_ASSERTION_TYPE) {
      throw new InvalidClient(`client_assertion_type must be ${CLIENT_ASSERTION_TYPE}`);
    }
    if (clientAssertion === undefined || clientAssertion === '') {
      throw new InvalidClient('client_assertion is required with client_assertion_type');
    }
    const asserted = assertedClientId(clientAssertion);
    if (asserted === undefined) {
      throw new InvalidClient('client_assertion must be a JWT whose sub is the client_id');
    }
    if (credentials.clientId !== undefined && credentials.clientId !== asserted) {
      throw new InvalidClient('client_id does not match the client_assertion sub');
    }
    const client = await this.registry.find(asserted);
    if (!client) throw new InvalidClient('Client authentication failed');
    if (!usesPrivateKeyJwt(client)) {
      throw new InvalidClient('The client is not registered for private_key_jwt authentication');
    }
    await this.assertions.verify(client, clientAssertion);
    return client;
  }

  /**
   * Whether `secret` is one of `candidates` (the client's live secrets, newest first). A verdict
   * is remembered per stored hash when right (a new secret or hash never meets an old verdict),
   * and per set of candidates when wrong (a rotation makes every refusal new).
   */
  private async verifySecret(
    client: OAuthClient,
    candidates: readonly ClientSecret[],
    secret: string,
    failureKey: string,
  ): Promise<boolean> {
    const hashes = candidates.map((candidate) => candidate.hash);
    const verifiedKeys = hashes.map((hash) => this.verdictKeyOf(client.clientId, [hash], secret));
    const now = this.clock.now().getTime();
    const remembered = verifiedKeys.find((key) => this.verified.get(key, now));
    if (remembered !== undefined) {
      this.verified.set(remembered, true, now + VERIFIED_TTL_MS);
      return true;
    }
    this.assertNotThrottled(failureKey, now);
    const refusedKey = this.verdictKeyOf(client.clientId, hashes, secret);
    if (this.refused.get(refusedKey, now)) return false;

    const matched = await this.verifications.run(refusedKey, () =>
      this.verifyBounded(secret, hashes),
    );
    const later = this.clock.now().getTime();
    if (matched >= 0) this.verified.set(verifiedKeys[matched], true, later + VERIFIED_TTL_MS);
    else this.refused.set(refusedKey, true, later + REFUSED_TTL_MS);
    return matched >= 0;
  }

  private verdictKeyOf(clientId: string, hashes: readonly string[], secret: string): string {
    return createHmac('sha256', this.verdictKey)
      .update(`${clientId}\n${hashes.join('\n')}\n${secret}`)
      .digest('base64url');
  }

  /**
   * The index of the hash `secret` matches, else -1: each a constant-time comparison
   * (PasswordHasher.verify), all of them in one slot of the queue, so a wrong secret during a
   * rotation's overlap takes one slot (for twice as long), never two.
   */
  private async verifyBounded(secret: string, hashes: readonly string[]): Promise<number> {
    try {
      return await this.hashing.run(async () => {
        for (const [index, hash] of hashes.entries()) {
          if (await this.hasher.verify(secret, hash)) return index;
        }
        return -1;
      });
    } catch (error) {
      if (error instanceof WorkQueueFull) {
        throw new TemporarilyUnavailable(
          'Too many client authentications in progress; retry shortly',
          RETRY_WHEN_SATURATED_SECONDS,
        );
      }
      throw error;
    }
  }

  private assertNotThrottled(failureKey: string, now: number): void {
    const window = this.failures.get(failureKey, now);
    if (!window || window.failures < this.clientAuth.maxFailures) return;
    throw new TooManyRequests(
      'Too many failed authentications for this client from this address; retry later',
      (window.endsAt - now) / 1000,
    );
  }

  private recordFailure(failureKey: string, clientId: string): void {
    const now = this.clock.now().getTime();
    const { maxFailures, failureWindowSeconds } = this.clientAuth;
    let window = this.failures.get(failureKey, now);
    if (!window) {
      window = { failures: 0, endsAt: now + failureWindowSeconds * 1000 };
      this.failures.set(failureKey, window, window.endsAt);
    }
    window.failures += 1;
    if (window.failures === maxFailures) {
      this.logger.warn(
        `Client ${clientId}: ${maxFailures} failed authentications from one address; that address is refused until the window ends`,
      );
    }
  }
}
