import { Injectable, Logger } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type VerifiedAuthenticationResponse,
} from '@simplewebauthn/server';
import { type SignInMethod, passkeyMethodKey } from '../../accounts/account';
import { AccountService } from '../../accounts/account.service';
import { reportProofVerified, reportRefusals } from '../../challenges/report-refusals';
import type { ChallengeBinding, ChallengeKind } from '../../challenges/challenge';
import { ChallengeStore } from '../../challenges/challenge-store';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { DomainEvents, SecurityEventDetected } from '../../platform/events/domain-events';
import { LruCache } from '../../platform/cache/lru-cache';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { isDerAssertionSignature } from '../assertion-signature';
import { ChallengeRedemption } from '../challenge-redemption';
import { refusalOf } from '../passkey-response-errors';
import { CounterRegression, InvalidCredentialResponse, UnknownCredential } from '../passkey.errors';
import { RelyingParty } from '../relying-party';
import { encodedUserHandleOf } from '../user-handle';
import { installWebAuthnKeyImports } from '../webauthn-key-imports';

/** A passkey sign-in that verified: whom it signs in, and what the assertion says of the user. */
export interface VerifiedPasskey {
  /** The account's subject. */
  readonly sub: string;
  readonly credentialId: string;
  /** Key hash of the challenge redeemed: the grant a sign-in opens is derived from it. */
  readonly challengeKeyHash: string;
  /** The authenticator verified the user (UV flag: a PIN or biometric), not only presence. */
  readonly userVerified: boolean;
  /**
   * The credential was proven hardware-bound when it was registered (its attestation chained to
   * the trust list, its backup-eligible flag clear): its sign-ins achieve `phrh` and say `hwk`.
   * False for a passkey stored before attestation was verified (absent is false).
   */
  readonly hardwareBound: boolean;
}

/**
 * The stored COSE_Key as the bytes the library decodes. Node's native base64url decoder, copied
 * into an ArrayBuffer of its own: the library's CBOR decoder reads `bytes.buffer` from offset 0,
 * which a pooled Buffer does not start at.
 */
function credentialPublicKeyOf(publicKey: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(publicKey, 'base64url'));
}

const unknownCredential = () =>
  new UnknownCredential('No account has this passkey').because('unknown_credential');

/**
 * Credentials whose last sign-in on this instance verified, with the key it verified against
 * (what lets the next sign-in overlap its record's read with the challenge's redemption): at most
 * this many, the least recently used first out. Only a verified assertion adds one, so nobody can
 * fill it with credentials they do not hold.
 */
export const PASSKEY_KEYS_REMEMBERED = 10_000;

/**
 * RFC 8176 `amr` of a passkey sign-in: `hwk` (RFC 8176 §2: proof of possession of a
 * hardware-secured key) for a passkey proven hardware-bound at registration, else `pop`, proof of
 * possession of a key (IANA AMR registry: hardware or software unspecified); and `user` when the
 * authenticator verified the user. Never `swk`: a passkey without a verified attestation may
 * still be held in hardware, and the backup-eligible flag alone is the authenticator's own
 * word, which only a trusted attestation makes worth anything (any software authenticator
 * clears it).
 */
export function passkeyAmr(
  verified: Pick<VerifiedPasskey, 'userVerified' | 'hardwareBound'>,
): string[] {
  return [verified.hardwareBound ? 'hwk' : 'pop', ...(verified.userVerified ? ['user'] : [])];
}

/**
 * Which assertion ceremony a challenge belongs to: its kind in the store and the binding its
 * redemption must match. A sign-in's by default; an approval of a backchannel request (issue #51)
 * has its own kind, bound to the request, so neither ceremony's challenge completes the other.
 */
export interface PasskeyCeremony {
  readonly kind: ChallengeKind;
  readonly binding: ChallengeBinding;
  /**
   * What a challenge issued under another binding is told, in the ceremony's words (a sign-in's:
   * "issued to another account"; an approval's: for another request).
   */
  readonly bindingMismatch?: string;
}

const SIGN_IN: PasskeyCeremony = { kind: 'webauthn_authentication', binding: {} };

/**
 * Signing in with a passkey (WebAuthn Level 3 §7.2), with discoverable credentials: the options
 * name no account (unlike SIWE, where the address comes first); the assertion's credential id
 * finds the account.
 */
@Injectable()
export class PasskeyAuthenticationService {
  private readonly logger = new Logger(PasskeyAuthenticationService.name);
  private readonly knownKeys = new LruCache<string, string>(PASSKEY_KEYS_REMEMBERED);

  constructor(
    private readonly rp: RelyingParty,
    private readonly challenges: ChallengeStore,
    private readonly accounts: AccountService,
    private readonly events: DomainEvents,
    private readonly challengeConfig: ChallengeConfig,
  ) {
    if (!installWebAuthnKeyImports(PASSKEY_KEYS_REMEMBERED)) {
      this.logger.warn(
        '@simplewebauthn/server has no replaceable WebCrypto reference in this version: ' +
          'each passkey sign-in imports its key again (correct, about 150 µs slower)',
      );
    }
  }

  async options(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const rp = this.rp.settings();
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      userVerification: 'preferred',
      timeout: this.challengeConfig.webauthnChallengeTtlSeconds * 1000,
    });
    await this.challenges.issue({
      kind: 'webauthn_authentication',
      key: options.challenge,
      binding: {},
      payload: {},
      ttlSeconds: this.challengeConfig.webauthnChallengeTtlSeconds,
    });
    return options;
  }

  /**
   * Verifies an assertion: one read of the credential (beside the redemption once the credential
   * has signed in here before), the challenge redeemed inside the library's check, then the
   * counter advanced in one conditional update when it moved.
   */
  async verify(
    response: AuthenticationResponseJSON,
    ceremony: PasskeyCeremony = SIGN_IN,
  ): Promise<VerifiedPasskey> {
    return reportProofVerified(this.events, 'passkey', () =>
      reportRefusals(this.events, { kind: ceremony.kind }, () => this.check(response, ceremony)),
    );
  }

  /**
   * The credential's record is read afresh on every sign-in (primary read: a passkey removed a
   * moment ago on any instance must not sign in), and decides everything: the account, the
   * counter, the key. A credential this instance has not seen sign in is looked up first, so an
   * unknown one is refused without spending the challenge. One that has is checked against the
   * key it signed with last time; its record must then still hold that very key. When its counter
   * moved, the record is read by the counter's advance itself (one conditional update that also
   * requires that key), else beside the challenge's redemption as the wallet login reads it: no
   * round trip of its own on the way either way.
   */
  private async check(
    response: AuthenticationResponseJSON,
    ceremony: PasskeyCeremony,
  ): Promise<VerifiedPasskey> {
    const remembered = this.knownKeys.get(response.id);
    const redemption = new ChallengeRedemption(
      this.challenges,
      this.events,
      ceremony.kind,
      ceremony.binding,
      ceremony.bindingMismatch,
    );
    const key = passkeyMethodKey(response.id);
    let method: SignInMethod | null;
    let verified: VerifiedAuthenticationResponse | undefined;
    let refusal: ProtocolError | undefined;
    let advanced = false;
    if (remembered === undefined) {
      method = await this.accounts.findMethod(key);
      const passkey = method?.passkey;
      if (!passkey) throw unknownCredential();
      [verified, refusal] = await this.verifyWith(response, passkey.publicKey, redemption);
    } else {
      const signedCounter = counterOf(response);
      const lookup = signedCounter === 0 ? this.accounts.findMethod(key) : undefined;
      [verified, refusal] = await this.verifyWith(response, remembered, redemption);
      if (!verified) {
        // The refusal is the answer; the read beside it settles first, whatever it met.
        await lookup?.catch(() => undefined);
        throw refusal ?? refusalOf(undefined);
      }
      const newCounter = verified.authenticationInfo.newCounter;
      method =
        lookup !== undefined
          ? await lookup
          : await this.accounts.advancePasskeyCounterOf(key, remembered, newCounter);
      advanced = lookup === undefined && method !== null;
      // Nothing matched the advance: removed, another key, or a counter that did not grow.
      if (lookup === undefined && method === null) method = await this.accounts.findMethod(key);
      if (method?.passkey?.publicKey !== remembered) {
        this.knownKeys.delete(response.id);
        throw unknownCredential();
      }
    }
    const passkey = method?.passkey;
    if (!method || !passkey) throw unknownCredential();
    if (!verified) throw refusal ?? refusalOf(undefined);
    const info = verified.authenticationInfo;
    // Checked after an advance that already happened: the counter is the authenticator's own,
    // signed by this credential's key, whoever the handle names.
    this.checkUserHandle(response, method);
    if (!advanced) await this.advanceCounter(method, passkey.counter, info.newCounter);
    this.knownKeys.set(response.id, passkey.publicKey);
    this.logger.log(`Passkey sign-in of ${method.sub}`);
    return {
      sub: method.sub,
      credentialId: response.id,
      challengeKeyHash: redemption.keyHash,
      userVerified: info.userVerified,
      hardwareBound: passkey.hardwareBound === true,
    };
  }

  /**
   * The library's check of the assertion against `publicKey` (the stored COSE_Key, base64url),
   * the challenge redeemed inside it: the verified result, or why it was refused.
   */
  private async verifyWith(
    response: AuthenticationResponseJSON,
    publicKey: string,
    redemption: ChallengeRedemption,
  ): Promise<[VerifiedAuthenticationResponse | undefined, ProtocolError | undefined]> {
    const rp = this.rp.settings();
    const credentialPublicKey = credentialPublicKeyOf(publicKey);
    try {
      const verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: redemption.redeem,
        expectedOrigin: rp.origins,
        expectedRPID: rp.id,
        credential: {
          id: response.id,
          publicKey: credentialPublicKey,
          // The counter is checked below, atomically against the stored one; 0 here turns the
          // library's own read-then-compare check off.
          counter: 0,
        },
        requireUserVerification: false,
      });
      // WebAuthn §6.5.6: the signature the library verified must also be the one DER encoding.
      const signature = Buffer.from(response.response.signature, 'base64url');
      return verified.verified && isDerAssertionSignature(credentialPublicKey, signature)
        ? [verified, undefined]
        : [undefined, refusalOf(undefined)];
    } catch (error) {
      return [undefined, redemption.refusal() ?? refusalOf(error)];
    }
  }

  /** WebAuthn Level 3 §7.2 step 6: a user handle, when given, must be the account's. */
  private checkUserHandle(response: AuthenticationResponseJSON, method: SignInMethod): void {
    const handle = response.response.userHandle;
    if (handle === undefined) return;
    if (handle !== encodedUserHandleOf(method.sub)) {
      throw new InvalidCredentialResponse('The user handle is not the passkey account’s').because(
        'user_handle_mismatch',
      );
    }
  }

  /**
   * WebAuthn Level 3 §7.2 step 22. An authenticator that never counts sends 0 each time, and 0
   * is stored: that is no regression. Otherwise the counter must grow: the new value is written
   * only over a smaller stored one (one conditional update, so two assertions racing with the
   * same counter cannot both pass), and a counter that did not grow is refused and recorded, as
   * a cloned authenticator.
   */
  private async advanceCounter(
    method: SignInMethod,
    storedCounter: number,
    newCounter: number,
  ): Promise<void> {
    if (newCounter === 0 && storedCounter === 0) return;
    if (
      newCounter > storedCounter &&
      (await this.accounts.advancePasskeyCounter(method.key, newCounter))
    ) {
      return;
    }
    await this.events.emitAndWait(
      new SecurityEventDetected('passkey_counter_regression', {
        sub: method.sub,
        credential: `${method.key.slice(0, 20)}…`,
        stored_counter: String(storedCounter),
        presented_counter: String(newCounter),
      }),
    );
    throw new CounterRegression(
      'The passkey’s signature counter went backwards: the authenticator may have been cloned',
    ).because('counter_regression');
  }
}

/**
 * The signature counter the assertion's authenticator data states (WebAuthn §6.1: bytes 33–36,
 * big-endian), before it is verified: it only chooses how the record is read, and the check that
 * follows covers it. 0 when the data is too short to say (the check then refuses it).
 */
function counterOf(response: AuthenticationResponseJSON): number {
  const data = Buffer.from(response.response.authenticatorData, 'base64url');
  return data.length >= 37 ? data.readUInt32BE(33) : 0;
}
