import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import { Clock } from '../../platform/clock/clock';
import { TokenConfig } from '../../config/sections/tokens.config';
import { SIGNING_ALGS, type SigningAlg } from '../../protocol-rules/signing-algs';
import { checkSigningKey } from '../compact-jws';
import { PrivateKeyCipher, PrivateKeyDecryptionError } from './private-key-cipher';
import {
  ownSlotNames,
  slotNamesFor,
  type NewSigningKey,
  type PublicJwk,
  type PublishedJwk,
  type SlotNames,
  type StoredSigningKey,
} from './signing-key';
import { SigningKeyPairs } from './signing-key-pairs';
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
  readonly privateKey: KeyObject;
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

/**
 * A public key, for jose and the resource server's quick ES256 check. Extractable, as WebCrypto
 * makes every generated public key: that check takes its KeyObject (`KeyObject.from`), which Node
 * deprecates for a non-extractable CryptoKey (DEP0204); a public key has nothing to keep in.
 */
async function importPublicKey(jwk: PublicJwk, alg: SigningAlg): Promise<CryptoKey> {
  const key = await importJWK(jwk, alg, { extractable: true });
  if (key instanceof Uint8Array) throw new Error('A signing key imported as a symmetric secret');
  return key;
}

/**
 * The private half as node:crypto's KeyObject, the form signCompactJws signs with, made from its
 * JWK (not `KeyObject.from` a CryptoKey: deprecated for a non-extractable one, DEP0204).
 */
function privateKeyOf(jwk: JWK, alg: SigningAlg): KeyObject {
  const key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  checkSigningKey(key, alg);
  return key;
}

/**
 * The service's signing keys: per alg of SIGNING_ALGS one active key shared by every instance,
 * kept in MongoDB with its private half encrypted, plus the retired keys that still verify tokens
 * signed before a rotation. TOKEN_SIGNING_ALG's key signs access tokens and, unless a client
 * registered another alg, ID tokens; it is installed at start. Another alg's key is installed on
 * first need (the JWKS, or a client's ID token), and rotates with it.
 */
@Injectable()
export class SigningKeyService implements OnModuleInit {
  private readonly logger = new Logger(SigningKeyService.name);
  private readonly cipher: PrivateKeyCipher;
  private readonly active = new Map<
    SigningAlg,
    { key: ActiveSigningKey; checkedAtMs: number; createdAt: Date }
  >();
  private readonly refreshing = new Map<SigningAlg, Promise<ActiveSigningKey>>();
  private readonly verificationKeys = new Map<string, { key: VerificationKey; retiredAt?: Date }>();

  constructor(
    private readonly repository: SigningKeyRepository,
    private readonly tokens: TokenConfig,
    private readonly clock: Clock,
    private readonly pairs: SigningKeyPairs = new SigningKeyPairs(),
  ) {
    this.cipher = new PrivateKeyCipher(tokens.keyEncryptionSecret);
  }

  /** Installs or loads the active key before the service takes traffic. */
  async onModuleInit(): Promise<void> {
    await this.refreshActiveKey(this.tokens.signingAlg);
  }

  /** How long a retired key stays in the JWKS and keeps verifying. */
  get retiredKeyLifetimeSeconds(): number {
    return this.tokens.accessTokenTtlSeconds + ACTIVE_KEY_RECHECK_SECONDS;
  }

  /**
   * The key to sign with now for `alg` (by default TOKEN_SIGNING_ALG): the alg's one active key,
   * installed on first need, re-read every ACTIVE_KEY_RECHECK_SECONDS.
   */
  async signingKey(alg: SigningAlg = this.tokens.signingAlg): Promise<ActiveSigningKey> {
    const known = this.active.get(alg);
    if (
      known &&
      this.clock.now().getTime() - known.checkedAtMs < ACTIVE_KEY_RECHECK_SECONDS * 1000
    ) {
      return known.key;
    }
    let refresh = this.refreshing.get(alg);
    if (!refresh) {
      refresh = this.refreshActiveKey(alg).finally(() => this.refreshing.delete(alg));
      this.refreshing.set(alg, refresh);
    }
    return refresh;
  }

  /**
   * Rotates now, TOKEN_SIGNING_ALG's key and every other alg's that is installed: retires each
   * active key and installs its pending next key, or a new one. Tokens signed with a new key can
   * reach a resource server whose cached JWKS predates it (it then has to re-fetch);
   * `scheduleRotation` avoids that and is the routine way. Concurrent rotations from several
   * instances coalesce into one new key per alg: only one can fill a freed active slot. The new
   * keys, TOKEN_SIGNING_ALG's first.
   */
  async rotate(): Promise<Array<{ kid: string; alg: SigningAlg }>> {
    const rotated: Array<{ kid: string; alg: SigningAlg }> = [];
    for (const alg of await this.installedAlgs()) {
      const { active: current } = await this.repository.findSlots(this.slotsOf(alg));
      if (current && (await this.retire(current.kid))) {
        this.logger.log(`Retired signing key ${current.kid} (rotation)`);
      }
      const next = await this.refreshActiveKey(alg);
      rotated.push({ kid: next.kid, alg: next.alg });
    }
    return rotated;
  }

  /**
   * Pre-publishes the next keys, of TOKEN_SIGNING_ALG and of every other alg that is installed:
   * in the JWKS at once, signing from NEXT_KEY_PUBLISH_SECONDS on, when the first instance to
   * re-check its key after that time promotes it and retires the active one (which keeps
   * verifying until its tokens have expired). One rotation per alg is pending at a time: while
   * one is, this returns its next key. TOKEN_SIGNING_ALG's first.
   */
  async scheduleRotation(): Promise<ScheduledRotation[]> {
    const scheduled: ScheduledRotation[] = [];
    for (const alg of await this.installedAlgs()) scheduled.push(await this.scheduleNext(alg));
    return scheduled;
  }

  /** TOKEN_SIGNING_ALG, then every other alg with a key in its slots. */
  private async installedAlgs(): Promise<SigningAlg[]> {
    const configured = this.tokens.signingAlg;
    const others: SigningAlg[] = [];
    for (const alg of SIGNING_ALGS) {
      if (alg === configured) continue;
      const { active, next } = await this.repository.findSlots(this.slotsOf(alg));
      if (active || next) others.push(alg);
    }
    return [configured, ...others];
  }

  private slotsOf(alg: SigningAlg): SlotNames {
    return slotNamesFor(alg, this.tokens.signingAlg);
  }

  private async scheduleNext(alg: SigningAlg): Promise<ScheduledRotation> {
    const slots = this.slotsOf(alg);
    for (let attempt = 1; attempt <= MAX_ELECTION_ATTEMPTS; attempt++) {
      const { next } = await this.repository.findSlots(slots);
      if (next?.activatesAt && next.alg === alg) {
        return { kid: next.kid, alg, activatesAt: next.activatesAt, created: false };
      }
      if (next) await this.retireStaleNext(next);
      const candidate = await this.generate(alg);
      const activatesAt = new Date(this.clock.now().getTime() + NEXT_KEY_PUBLISH_SECONDS * 1000);
      if (await this.repository.insertNext({ ...candidate.stored, activatesAt }, slots.next)) {
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

  /**
   * RFC 7517 JWK Set members: the active and next keys of every alg and the retired keys whose
   * tokens may still be live. Discovery lists every alg of SIGNING_ALGS for ID tokens (OpenID
   * Connect Discovery §3 requires RS256), so each has its key here, installed if need be, before
   * any ID token is signed with it: a relying party that read the JWKS once knows its kid.
   */
  async publishedJwks(): Promise<PublishedJwk[]> {
    await Promise.all(SIGNING_ALGS.map((alg) => this.signingKey(alg)));
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
  private async refreshActiveKey(alg: SigningAlg): Promise<ActiveSigningKey> {
    const slots = this.slotsOf(alg);
    for (let attempt = 1; attempt <= MAX_ELECTION_ATTEMPTS; attempt++) {
      const { active: current, next } = await this.repository.findSlots(slots);
      const successor = next?.alg === alg ? next : undefined;
      if (next && !successor) await this.retireStaleNext(next);
      if (current) {
        // Opened even when about to be retired: a wrong secret must stop the start, not lead
        // to fresh keys that strand every token signed so far.
        const key = await this.unseal(current);
        const due = successor?.activatesAt !== undefined && this.isDue(successor.activatesAt);
        if (current.alg === alg && !due) {
          if (!this.verificationKeys.has(current.kid)) await this.rememberVerificationKey(current);
          return this.adopt(alg, key, current.createdAt);
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
        if (await this.repository.promoteNext(successor.kid, slots)) {
          this.logger.log(`Signing with pre-published key ${successor.kid}`);
          await this.rememberVerificationKey(successor);
          return this.adopt(alg, key, successor.createdAt);
        }
        // Another instance promoted it, or filled the free slot first: read the slots again.
        continue;
      }
      const candidate = await this.generate(alg);
      if (await this.repository.insertActive(candidate.stored, slots.active)) {
        this.logger.log(`Installed new ${alg} signing key ${candidate.stored.kid}`);
        await this.rememberVerificationKey(candidate.stored);
        if (alg === this.tokens.signingAlg) await this.retireOwnSlots(alg);
        return this.adopt(alg, candidate.key, candidate.stored.createdAt);
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

  /**
   * Keys of `alg` in its own slots, installed while another alg was TOKEN_SIGNING_ALG: the
   * configured alg's slots sign for it now, so they would only ever be published.
   */
  private async retireOwnSlots(alg: SigningAlg): Promise<void> {
    const { active, next } = await this.repository.findSlots(ownSlotNames(alg));
    for (const key of [active, next]) {
      if (key && (await this.retire(key.kid))) {
        this.logger.log(`Retired signing key ${key.kid}: ${alg} is TOKEN_SIGNING_ALG now`);
      }
    }
  }

  private async retire(kid: string): Promise<boolean> {
    const retiredAt = this.clock.now();
    const retired = await this.repository.retire(kid, retiredAt);
    const cached = this.verificationKeys.get(kid);
    if (retired && cached) cached.retiredAt = retiredAt;
    return retired;
  }

  private adopt(alg: SigningAlg, key: ActiveSigningKey, createdAt: Date): ActiveSigningKey {
    this.active.set(alg, { key, checkedAtMs: this.clock.now().getTime(), createdAt });
    return key;
  }

  /**
   * When the TOKEN_SIGNING_ALG key this instance signs with was created (a pre-published key signs
   * NEXT_KEY_PUBLISH_SECONDS later), for the rotation-overdue alert; the other algs' keys rotate
   * with it. No database read.
   */
  get activeKeyCreatedAt(): Date | undefined {
    return this.active.get(this.tokens.signingAlg)?.createdAt;
  }

  private async unseal(stored: StoredSigningKey): Promise<ActiveSigningKey> {
    const known = this.active.get(stored.alg)?.key;
    if (known?.kid === stored.kid) return known;
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
      privateKey: privateKeyOf(privateJwk, stored.alg),
    };
  }

  private async generate(
    alg: SigningAlg,
  ): Promise<{ stored: NewSigningKey; key: ActiveSigningKey }> {
    const pair = await this.pairs.generate(alg);
    const publicJwk = toPublicJwk(await exportJWK(pair.publicKey));
    const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
    const privateJwk = await exportJWK(pair.privateKey);
    const encryptedPrivateKey = await this.cipher.seal(
      JSON.stringify(privateJwk),
      privateKeyAssociatedData(kid, alg),
    );
    return {
      stored: { kid, alg, publicJwk, encryptedPrivateKey, createdAt: this.clock.now() },
      key: { kid, alg, privateKey: privateKeyOf(privateJwk, alg) },
    };
  }

  private async rememberVerificationKey(
    stored: Pick<StoredSigningKey, 'kid' | 'alg' | 'publicJwk' | 'retiredAt'>,
  ): Promise<{ key: VerificationKey; retiredAt?: Date }> {
    const entry = {
      key: {
        kid: stored.kid,
        alg: stored.alg,
        publicKey: await importPublicKey(stored.publicJwk, stored.alg),
      },
      ...(stored.retiredAt ? { retiredAt: stored.retiredAt } : {}),
    };
    this.verificationKeys.set(stored.kid, entry);
    return entry;
  }
}
