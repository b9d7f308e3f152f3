import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import { Clock } from '../../platform/clock/clock';
import { TokenConfig, type SigningAlg } from '../../config/sections/tokens.config';
import { PrivateKeyCipher, PrivateKeyDecryptionError } from './private-key-cipher';
import type { NewSigningKey, PublicJwk, PublishedJwk, StoredSigningKey } from './signing-key';
import { SigningKeyRepository } from './signing-key.repository';

/**
 * How long an instance keeps signing with the key it knows before re-reading which key is active,
 * so it follows a rotation (or alg change) made by another instance. A retired key stays published
 * this much longer than the access-token lifetime, because an instance may sign with it for up to
 * this long after it was retired elsewhere.
 */
export const ACTIVE_KEY_RECHECK_SECONDS = 30;

/** How long resource servers may cache /jwks.json (its Cache-Control max-age). */
export const JWKS_MAX_AGE_SECONDS = 300;

/**
 * How long a scheduled rotation publishes the next key before it signs anything: a resource
 * server that fetched the JWKS just before the key appeared has re-fetched by then, so it never
 * meets a token whose kid it does not know.
 */
export const NEXT_KEY_PUBLISH_SECONDS = JWKS_MAX_AGE_SECONDS;

/** Enough for one lost race per competing instance; more means instances disagree on the alg. */
const MAX_ELECTION_ATTEMPTS = 5;

/** An RFC 7638 SHA-256 thumbprint: 32 bytes, base64url. Anything else is never looked up. */
const KID_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export interface ActiveSigningKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly privateKey: CryptoKey;
}

export interface VerificationKey {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly publicKey: CryptoKey;
}

export type SigningKeyState = 'next' | 'active' | 'retired';

/** A key's place in its life: published as next, signing, then only verifying until it is gone. */
export interface SigningKeyStatus {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly state: SigningKeyState;
  readonly createdAt: Date;
  /** Next key: when it replaces the active key. */
  readonly activatesAt?: Date;
  /** Retired key: when it stopped signing. */
  readonly retiredAt?: Date;
  /** Retired key: when it leaves the JWKS and stops verifying (its last tokens have expired). */
  readonly publishedUntil?: Date;
}

export interface ScheduledRotation {
  readonly kid: string;
  readonly alg: SigningAlg;
  readonly activatesAt: Date;
  /** False when a rotation was already pending: this is that one's next key. */
  readonly created: boolean;
}

/** The configured secret does not open the stored keys; starting would strand every token. */
export class SigningKeyDecryptionError extends Error {
  constructor(kid: string) {
    super(
      `Cannot decrypt signing key ${kid} stored in MongoDB: KEY_ENCRYPTION_SECRET is not the ` +
        'secret it was encrypted with. Refusing to start rather than replace the signing keys; ' +
        'restore the original KEY_ENCRYPTION_SECRET.',
    );
    this.name = 'SigningKeyDecryptionError';
  }
}

/** Binds a stored private key's ciphertext to its document (kid and alg). */
export function privateKeyAssociatedData(kid: string, alg: SigningAlg): string {
  return `proofgate-signing-key:${kid}:${alg}`;
}

/** Keeps only the public members, whatever else the exporter added. */
export function toPublicJwk(jwk: JWK): PublicJwk {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && jwk.x && jwk.y) {
    return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  }
  if (jwk.kty === 'RSA' && jwk.n && jwk.e) return { kty: 'RSA', n: jwk.n, e: jwk.e };
  throw new Error(`Unsupported signing key type ${String(jwk.kty)}`);
}

async function importKey(jwk: JWK, alg: SigningAlg): Promise<CryptoKey> {
  const key = await importJWK(jwk, alg, { extractable: false });
  if (key instanceof Uint8Array) throw new Error('A signing key imported as a symmetric secret');
  return key;
}

/**
 * The service's signing keys: one active key shared by every instance, kept in MongoDB with its
 * private half encrypted, plus the retired keys that still verify tokens signed before a rotation.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeyService.name);
  private readonly cipher: PrivateKeyCipher;
  private active?: { key: ActiveSigningKey; checkedAtMs: number; createdAt: Date };
  private refreshing?: Promise<ActiveSigningKey>;
  private readonly verificationKeys = new Map<string, { key: VerificationKey; retiredAt?: Date }>();

  constructor(
    private readonly repository: SigningKeyRepository,
    private readonly tokens: TokenConfig,
    private readonly clock: Clock,
  ) {
    this.cipher = new PrivateKeyCipher(tokens.keyEncryptionSecret);
  }

  /** Installs or loads the active key before the service takes traffic. */
  async onModuleInit(): Promise<void> {
    await this.refreshActiveKey();
  }

  /** How long a retired key stays in the JWKS and keeps verifying. */
  get retiredKeyLifetimeSeconds(): number {
    return this.tokens.accessTokenTtlSeconds + ACTIVE_KEY_RECHECK_SECONDS;
  }

  /** The key to sign with now: the one active key, re-read every ACTIVE_KEY_RECHECK_SECONDS. */
  async signingKey(): Promise<ActiveSigningKey> {
    if (
      this.active &&
      this.clock.now().getTime() - this.active.checkedAtMs < ACTIVE_KEY_RECHECK_SECONDS * 1000
    ) {
      return this.active.key;
    }
    this.refreshing ??= this.refreshActiveKey().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /**
   * Rotates now: retires the active key and installs the pending next key, or a new one. Tokens
   * signed with the new key can reach a resource server whose cached JWKS predates it (it then
   * has to re-fetch); `scheduleRotation` avoids that and is the routine way. Concurrent rotations
   * from several instances coalesce into one new key: only one can fill the freed active slot.
   */
  async rotate(): Promise<{ kid: string; alg: SigningAlg }> {
    const current = await this.repository.findActive();
    if (current && (await this.retire(current.kid))) {
      this.logger.log(`Retired signing key ${current.kid} (rotation)`);
    }
    const next = await this.refreshActiveKey();
    return { kid: next.kid, alg: next.alg };
  }

  /**
   * Pre-publishes the next key: in the JWKS at once, signing from NEXT_KEY_PUBLISH_SECONDS on,
   * when the first instance to re-check its key after that time promotes it and retires the
   * active one (which keeps verifying until its tokens have expired). One rotation is pending at
   * a time: while one is, this returns its next key.
   */
  async scheduleRotation(): Promise<ScheduledRotation> {
    const alg = this.tokens.signingAlg;
    for (let attempt = 1; attempt <= MAX_ELECTION_ATTEMPTS; attempt++) {
      const { next } = await this.repository.findSlots();
      if (next?.activatesAt && next.alg === alg) {
        return { kid: next.kid, alg, activatesAt: next.activatesAt, created: false };
      }
      if (next) await this.retireStaleNext(next);
      const candidate = await this.generate(alg);
      const activatesAt = new Date(this.clock.now().getTime() + NEXT_KEY_PUBLISH_SECONDS * 1000);
      if (await this.repository.insertNext({ ...candidate.stored, activatesAt })) {
        this.logger.log(
          `Published next signing key ${candidate.stored.kid}; it signs from ${activatesAt.toISOString()}`,
        );
        return { kid: candidate.stored.kid, alg, activatesAt, created: true };
      }
    }
    throw new Error(`No next signing key after ${MAX_ELECTION_ATTEMPTS} attempts`);
  }

  /** Every stored key and where it stands, newest first. */
  async describeKeys(): Promise<SigningKeyStatus[]> {
    // Retired after the epoch: every retired key, not only the published ones.
    const keys = await this.repository.listPublishable(new Date(0));
    return keys.map(({ kid, alg, createdAt, activatesAt, retiredAt }): SigningKeyStatus => {
      if (retiredAt) {
        const publishedUntil = new Date(
          retiredAt.getTime() + this.retiredKeyLifetimeSeconds * 1000,
        );
        return { kid, alg, state: 'retired', createdAt, retiredAt, publishedUntil };
      }
      if (activatesAt) return { kid, alg, state: 'next', createdAt, activatesAt };
      return { kid, alg, state: 'active', createdAt };
    });
  }

  /**
   * The public key for `kid` if it is active or retired recently enough to be published. An
   * unknown kid is looked up in the database once: another instance may have rotated.
   */
  async verificationKey(kid: string): Promise<VerificationKey | undefined> {
    if (!KID_FORMAT.test(kid)) return undefined;
    let entry = this.verificationKeys.get(kid);
    if (!entry) {
      const stored = await this.repository.findByKid(kid);
      if (!stored) return undefined;
      entry = await this.rememberVerificationKey(stored);
    }
    // A key cached while active may since have been retired by another instance; accepting it
    // meanwhile is harmless, as every token it signed still has to pass its own `exp`.
    if (entry.retiredAt && !this.isPublished(entry.retiredAt)) return undefined;
    return entry.key;
  }

  /** RFC 7517 JWK Set members: the active key and retired keys whose tokens may still be live. */
  async publishedJwks(): Promise<PublishedJwk[]> {
    const retiredAfter = new Date(
      this.clock.now().getTime() - this.retiredKeyLifetimeSeconds * 1000,
    );
    const keys = await this.repository.listPublishable(retiredAfter);
    return keys.map((key) => ({ ...key.publicJwk, kid: key.kid, alg: key.alg, use: 'sig' }));
  }

  private isPublished(retiredAt: Date): boolean {
    return this.clock.now().getTime() < retiredAt.getTime() + this.retiredKeyLifetimeSeconds * 1000;
  }

  /**
   * Makes this instance sign with the one active key, electing one if there is none. The election
   * is the store's unique active slot: whoever fills it first wins, everyone else adopts that key.
   * A pre-published next key that is due replaces the active key here; a free slot takes the next
   * key, due or not, before any newly generated one.
   */
  private async refreshActiveKey(): Promise<ActiveSigningKey> {
    const alg = this.tokens.signingAlg;
    for (let attempt = 1; attempt <= MAX_ELECTION_ATTEMPTS; attempt++) {
      const { active: current, next } = await this.repository.findSlots();
      const successor = next?.alg === alg ? next : undefined;
      if (next && !successor) await this.retireStaleNext(next);
      if (current) {
        // Opened even when about to be retired: a wrong secret must stop the start, not lead
        // to fresh keys that strand every token signed so far.
        const key = await this.unseal(current);
        const due = successor?.activatesAt !== undefined && this.isDue(successor.activatesAt);
        if (current.alg === alg && !due) {
          if (!this.verificationKeys.has(current.kid)) await this.rememberVerificationKey(current);
          return this.adopt(key, current.createdAt);
        }
        if (await this.retire(current.kid)) {
          if (due) {
            this.logger.log(`Retired signing key ${current.kid}: next key ${successor.kid} is due`);
          } else {
            this.logger.warn(
              `Retired signing key ${current.kid} (${current.alg}): TOKEN_SIGNING_ALG is ${alg}`,
            );
          }
        }
      }
      if (successor) {
        const key = await this.unseal(successor);
        if (await this.repository.promoteNext(successor.kid)) {
          this.logger.log(`Signing with pre-published key ${successor.kid}`);
          await this.rememberVerificationKey(successor);
          return this.adopt(key, successor.createdAt);
        }
        // Another instance promoted it, or filled the free slot first: read the slots again.
        continue;
      }
      const candidate = await this.generate(alg);
      if (await this.repository.insertActive(candidate.stored)) {
        this.logger.log(`Installed new ${alg} signing key ${candidate.stored.kid}`);
        await this.rememberVerificationKey(candidate.stored);
        return this.adopt(candidate.key, candidate.stored.createdAt);
      }
    }
    throw new Error(
      `No active signing key after ${MAX_ELECTION_ATTEMPTS} attempts; ` +
        'do all instances have the same TOKEN_SIGNING_ALG?',
    );
  }

  private isDue(activatesAt: Date): boolean {
    return this.clock.now().getTime() >= activatesAt.getTime();
  }

  /** A next key of another alg than the configured one would never sign: take it out. */
  private async retireStaleNext(next: StoredSigningKey): Promise<void> {
    if (await this.retire(next.kid)) {
      this.logger.warn(
        `Retired next signing key ${next.kid} (${next.alg}): TOKEN_SIGNING_ALG is ` +
          this.tokens.signingAlg,
      );
    }
  }

  private async retire(kid: string): Promise<boolean> {
    const retiredAt = this.clock.now();
    const retired = await this.repository.retire(kid, retiredAt);
    const cached = this.verificationKeys.get(kid);
    if (retired && cached) cached.retiredAt = retiredAt;
    return retired;
  }

  private adopt(key: ActiveSigningKey, createdAt: Date): ActiveSigningKey {
    this.active = { key, checkedAtMs: this.clock.now().getTime(), createdAt };
    return key;
  }

  /**
   * When the key this instance signs with was created (a pre-published key signs
   * NEXT_KEY_PUBLISH_SECONDS later), for the rotation-overdue alert. No database read.
   */
  get activeKeyCreatedAt(): Date | undefined {
    return this.active?.createdAt;
  }

  private async unseal(stored: StoredSigningKey): Promise<ActiveSigningKey> {
    if (this.active?.key.kid === stored.kid) return this.active.key;
    if (!stored.encryptedPrivateKey) {
      throw new Error(`Active signing key ${stored.kid} has no private key stored`);
    }
    let plaintext: string;
    try {
      plaintext = await this.cipher.open(
        stored.encryptedPrivateKey,
        privateKeyAssociatedData(stored.kid, stored.alg),
      );
    } catch (error) {
      if (error instanceof PrivateKeyDecryptionError)
        throw new SigningKeyDecryptionError(stored.kid);
      throw error;
    }
    const privateJwk = JSON.parse(plaintext) as JWK;
    if ((await calculateJwkThumbprint(privateJwk, 'sha256')) !== stored.kid) {
      throw new Error(`Stored private key does not match signing key ${stored.kid}`);
    }
    return {
      kid: stored.kid,
      alg: stored.alg,
      privateKey: await importKey(privateJwk, stored.alg),
    };
  }

  private async generate(
    alg: SigningAlg,
  ): Promise<{ stored: NewSigningKey; key: ActiveSigningKey }> {
    // Extractable only so that the private half can be exported once, encrypted, and stored.
    const pair = await generateKeyPair(alg, { extractable: true });
    const publicJwk = toPublicJwk(await exportJWK(pair.publicKey));
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const privateJwk = await exportJWK(pair.privateKey);
    const encryptedPrivateKey = await this.cipher.seal(
      JSON.stringify(privateJwk),
      privateKeyAssociatedData(kid, alg),
    );
    return {
      stored: { kid, alg, publicJwk, encryptedPrivateKey, createdAt: this.clock.now() },
      key: { kid, alg, privateKey: await importKey(privateJwk, alg) },
    };
  }

  private async rememberVerificationKey(
    stored: Pick<StoredSigningKey, 'kid' | 'alg' | 'publicJwk' | 'retiredAt'>,
  ): Promise<{ key: VerificationKey; retiredAt?: Date }> {
    const entry = {
      key: {
        kid: stored.kid,
        alg: stored.alg,
        publicKey: await importKey(stored.publicJwk, stored.alg),
      },
      ...(stored.retiredAt ? { retiredAt: stored.retiredAt } : {}),
    };
    this.verificationKeys.set(stored.kid, entry);
    return entry;
  }
}
