import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../platform/clock/clock';
import { DomainEvents } from '../platform/events/domain-events';
import { PreconditionFailed } from '../platform/errors/protocol-error';
import {
  AccountLockDownLifted,
  AccountLockedDown,
  AccountEmailChanged,
  type ChangeInitiator,
  SignInMethodLinked,
  SignInMethodUnlinked,
} from './account.events';
import type { MethodType } from '../proofs/proof-vocabulary';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import {
  type Account,
  type CredentialClaims,
  type CredentialIssuer,
  type PasskeyCredential,
  type SignInMethod,
  type UpstreamAccount,
  emailOf,
  methodTypeOf,
  originalMethodKey,
  subjectIsUsername,
  usernameOf,
} from './account';
import { AccountRepository, MAX_METHODS_PER_ACCOUNT, type SignInState } from './account.repository';
import {
  AccountDisabled,
  LastSignInMethod,
  MethodAlreadyLinked,
  MethodNotLinked,
  SignInMethodRemoved,
  TooManySignInMethods,
} from './accounts.errors';
import { ACCOUNT_CREATIONS_PER_IP } from './accounts.rate-limits';
import { assertRemovable } from './removable-method';

/** A method of each type, in a sentence. */
const METHOD_NOUNS: Readonly<Record<MethodType, string>> = {
  password: 'password',
  wallet: 'wallet',
  passkey: 'passkey',
  email: 'email address',
  upstream: 'provider account',
  credential: 'identity credential',
};

/** See AccountService.profile. */
export interface AccountProfile {
  readonly username?: string;
  /** A verified address of the account: every email method is one (its code was read). */
  readonly email?: string;
  /** The claims the account's identity credential last disclosed (scopes identity and age). */
  readonly credential?: CredentialClaims;
  readonly updatedAt?: Date;
}

/** See AccountService.signInOf. */
export interface SignInDecision {
  readonly sub: string;
  readonly refusal?: AccountDisabled | SignInMethodRemoved;
}

/** The rule of AccountService.assertMaySignIn, on the state it read: why not, if it may not. */
function refusalOf(
  state: SignInState,
  methodKey: string | undefined,
): AccountDisabled | SignInMethodRemoved | undefined {
  if (state.disabledAt) return new AccountDisabled();
  if (methodKey !== undefined && state.methods.length > 0 && !state.methods.includes(methodKey)) {
    return new SignInMethodRemoved();
  }
  return undefined;
}

/**
 * Who asks for a link: a caller at an address (as `clientAddress` counts it), whose account
 * creations are limited per address, or an operator (admin CLI), who is not limited.
 */
export type LinkRequester = { readonly callerAddress: string } | 'operator';

/**
 * Accounts and their sign-in methods, for every proof alike: which account a proven method signs
 * in, linking a method to an account, removing one. Callers prove the method (and the account's
 * fresh login) first; nothing here knows a protocol.
 */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    private readonly accounts: AccountRepository,
    private readonly clock: Clock,
    private readonly limiter: RateLimiter,
    private readonly events: DomainEvents,
  ) {}

  /**
   * The subject a proven method signs in: its account's when one lists it, else `ownSubject`,
   * the subject that method always gave (a wallet's CAIP-10 id). One indexed read, shared with
   * the lookups of the same moment (see MongoAccountRepository).
   */
  async subjectFor(methodKey: string, ownSubject: string): Promise<string> {
    const method = await this.accounts.findMethod(methodKey);
    return method?.sub ?? ownSubject;
  }

  /** The index entry of a method, with what it keeps (a passkey's credential record). */
  findMethod(methodKey: string): Promise<SignInMethod | null> {
    return this.accounts.findMethod(methodKey);
  }

  /**
   * Whether a method was added to `sub` (its index entry has `addedAt`): `sub` names an account
   * that exists, not a subject nothing signs in to. One read, of the index alone.
   */
  async hasAddedMethod(sub: string): Promise<boolean> {
    return (await this.accounts.methodsOf(sub)).some((method) => method.addedAt);
  }

  /**
   * The account of `sub` with its methods. An account with no record has the one method its
   * subject came from.
   */
  async account(sub: string): Promise<Account> {
    const [methods, record] = await Promise.all([
      this.accounts.methodsOf(sub),
      this.accounts.profileOf(sub),
    ]);
    const revision = record?.revision ?? 0;
    const created = record ? { createdAt: record.createdAt } : {};
    if (methods.length > 0) return { sub, ...created, methods, revision };
    const key = originalMethodKey(sub);
    // A minted subject with no method listed: a lock-down that came before anything was linked.
    if (key === undefined) return { sub, ...created, methods: [], revision };
    return { sub, methods: [{ key, type: methodTypeOf(key)!, sub }], revision };
  }

  /**
   * The account's profile as its methods give it (one read of its record): its username, the
   * name its owner chose (the one password method it lists, or the subject of an account a
   * password created; a wallet's CAIP-10 id is an address, not a name), and when its methods last
   * changed. `updatedAt` is absent for an account without a record: its one method never changed,
   * and when it was made is its method's to say.
   */
  async profile(sub: string): Promise<AccountProfile> {
    const record = await this.accounts.profileOf(sub);
    const password =
      record?.methods.find((key) => methodTypeOf(key) === 'password') ??
      (subjectIsUsername(sub) ? originalMethodKey(sub) : undefined);
    const username = password === undefined ? undefined : usernameOf(password);
    // The first address the account verified (the record lists methods in the order they came).
    const email = record?.methods.find((key) => methodTypeOf(key) === 'email');
    // The claims of the account's identity credential, as its latest presentation disclosed them.
    const credentialKey = record?.methods.find((key) => methodTypeOf(key) === 'credential');
    const credential =
      credentialKey === undefined
        ? undefined
        : (await this.accounts.findMethod(credentialKey))?.credential;
    return {
      ...(credential === undefined ? {} : { credential }),
      ...(username === undefined ? {} : { username }),
      ...(email === undefined ? {} : { email: emailOf(email) }),
      ...(record === null ? {} : { updatedAt: record.updatedAt ?? record.createdAt }),
    };
  }

  /**
   * Links a method the caller has just proven to the account of `sub`. The account's original
   * method is claimed first when the account lists none yet (its first link), so that it too can
   * never be taken by another account once this one has several; not on later links, which would
   * list again an original method its owner has removed since (a password). Refused when another
   * account holds either key: the index's unique key decides, never a read before the write.
   *
   * A link that will create the account's record is charged to the requester's address first
   * (ACCOUNT_CREATIONS_PER_IP_PER_HOUR, `429` past it, nothing written): see chargeCreation.
   */
  async link(
    sub: string,
    methodKey: string,
    requester: LinkRequester,
    passkey?: PasskeyCredential,
  ): Promise<SignInMethod & { addedAt: Date }> {
    return (await this.linkWith(sub, methodKey, requester, passkey ? { passkey } : {})).method;
  }

  /**
   * `link` by an operator (no proof, no creation charge), telling whether the method was linked
   * now (`created`) or the account already held it: then `method` is as stored, with the time it
   * was first added.
   */
  async linkByOperator(
    sub: string,
    methodKey: string,
  ): Promise<{ method: SignInMethod & { addedAt: Date }; created: boolean }> {
    const { method, outcome } = await this.linkWith(sub, methodKey, 'operator', {});
    if (outcome === 'claimed') return { method, created: true };
    const stored = await this.accounts.findMethod(methodKey);
    return {
      method: stored?.addedAt ? { ...stored, addedAt: stored.addedAt } : method,
      created: false,
    };
  }

  /** `link` for an identity credential, with the claims its presentation disclosed. */
  async linkCredential(
    sub: string,
    methodKey: string,
    requester: LinkRequester,
    credential: CredentialClaims,
    issuedBy: CredentialIssuer,
  ): Promise<SignInMethod & { addedAt: Date }> {
    return (await this.linkWith(sub, methodKey, requester, { credential, issuedBy })).method;
  }

  /**
   * A sign-in by the credential method `methodKey`: the account holding it (null: none), its
   * claims replaced by `claims` (this presentation's).
   */
  async recordCredentialUse(
    methodKey: string,
    claims: CredentialClaims,
    issuedBy: CredentialIssuer,
  ): Promise<string | null> {
    const method = await this.accounts.recordCredentialUse(
      methodKey,
      claims,
      issuedBy,
      this.clock.now(),
    );
    return method?.sub ?? null;
  }

  /** `link` for an account at an upstream provider, with what the provider said of it. */
  async linkUpstream(
    sub: string,
    methodKey: string,
    requester: LinkRequester,
    upstream: UpstreamAccount,
  ): Promise<SignInMethod & { addedAt: Date }> {
    return (await this.linkWith(sub, methodKey, requester, { upstream })).method;
  }

  private async linkWith(
    sub: string,
    methodKey: string,
    requester: LinkRequester,
    kept: Pick<SignInMethod, 'passkey' | 'upstream' | 'credential' | 'issuedBy'>,
  ): Promise<{ method: SignInMethod & { addedAt: Date }; outcome: 'claimed' | 'already_yours' }> {
    const type = methodTypeOf(methodKey);
    if (!type) throw new Error(`not a method key: ${methodKey}`);
    await this.chargeCreation(sub, requester);
    const now = this.clock.now();
    const original = originalMethodKey(sub);
    if (
      original !== undefined &&
      original !== methodKey &&
      (await this.accounts.methodsOf(sub)).length === 0
    ) {
      const own = await this.accounts.claim({
        key: original,
        type: methodTypeOf(original)!,
        sub,
        addedAt: now,
      });
      if (own === 'taken' || own === 'full') {
        throw new MethodAlreadyLinked(
          'This account’s own sign-in method now signs in another account; sign in again',
        );
      }
    }
    const method = { key: methodKey, type, sub, addedAt: now, ...kept };
    // An address linked first becomes the `email` claim: read what it was (email links only).
    const emailBefore = type === 'email' ? await this.emailClaimOf(sub) : undefined;
    const outcome = await this.accounts.claim(method);
    if (outcome === 'taken') {
      throw new MethodAlreadyLinked(
        `This ${METHOD_NOUNS[type]} is already linked to another account`,
      );
    }
    if (outcome === 'full') {
      throw new TooManySignInMethods(
        `An account has at most ${MAX_METHODS_PER_ACCOUNT} sign-in methods; remove one first`,
      );
    }
    this.logger.log(`Linked a sign-in method (${METHOD_NOUNS[type]}) to ${sub} (${outcome})`);
    if (outcome === 'claimed') {
      const initiator = requester === 'operator' ? 'admin' : undefined;
      await this.events.emitAndWait(
        new SignInMethodLinked(sub, methodKey, now, kept.passkey, initiator),
      );
      if (type === 'email' && emailBefore === undefined) {
        await this.events.emitAndWait(
          new AccountEmailChanged(sub, undefined, emailOf(methodKey), now),
        );
      }
    }
    return { method, outcome };
  }

  /**
   * Removes a method from the account of `sub`: never its last one or the wallet its subject is
   * (see whyNotRemovable). A password's record in `users` is its caller's to remove after.
   * Given `expectedRevision` (the admin API's If-Match), only while the account is at it: else
   * 412, and nothing removed. `initiator` `admin`: an operator removes it (told so).
   */
  async unlink(
    sub: string,
    methodKey: string,
    expectedRevision?: number,
    initiator?: ChangeInitiator,
  ): Promise<void> {
    assertRemovable(sub, methodKey);
    // What a passkey's authenticator was, for those told of its removal (read before it goes).
    const passkey =
      methodTypeOf(methodKey) === 'passkey'
        ? (await this.accounts.findMethod(methodKey))?.passkey
        : undefined;
    const isEmail = methodTypeOf(methodKey) === 'email';
    // The `email` claim is the first address: removing it makes the next one (if any) the claim.
    const emailBefore = isEmail ? await this.emailClaimOf(sub) : undefined;
    const now = this.clock.now();
    const outcome = await this.accounts.release(sub, methodKey, now, expectedRevision);
    if (outcome === 'released') {
      this.logger.log(`Unlinked a ${METHOD_NOUNS[methodTypeOf(methodKey)!]} from ${sub}`);
      await this.events.emitAndWait(
        new SignInMethodUnlinked(sub, methodKey, now, passkey, initiator),
      );
      if (isEmail && emailBefore === emailOf(methodKey)) {
        const emailAfter = await this.emailClaimOf(sub);
        await this.events.emitAndWait(new AccountEmailChanged(sub, emailBefore, emailAfter, now));
      }
      return;
    }
    if (outcome === 'stale') {
      throw new PreconditionFailed(
        `account ${sub} changed since you read it (If-Match names another version): GET it again`,
      );
    }
    if (outcome === 'last_method' || methodKey === originalMethodKey(sub)) {
      throw new LastSignInMethod('An account keeps at least one sign-in method');
    }
    throw new MethodNotLinked('The account has no such sign-in method');
  }

  /** The account's `email` claim: the first address its record lists (see `profile`). */
  private async emailClaimOf(sub: string): Promise<string | undefined> {
    const key = (await this.accounts.profileOf(sub))?.methods.find(
      (method) => methodTypeOf(method) === 'email',
    );
    return key === undefined ? undefined : emailOf(key);
  }

  /**
   * Charges an account creation to the requester's address when `sub` has no record yet (this
   * link writes its first). One read of the record, only on a link (rare); an account that has
   * one (adding a further method) is not charged. Two links racing to create one account are
   * both charged: the count errs on the caller's side, never the database's.
   */
  private async chargeCreation(sub: string, requester: LinkRequester): Promise<void> {
    if (requester === 'operator') return;
    if ((await this.accounts.accountCreatedAt(sub)) !== null) return;
    await this.limiter.charge(ACCOUNT_CREATIONS_PER_IP, requester.callerAddress, 'closed');
  }

  /**
   * The one rule every sign-in ends with, whichever method proved it: a disabled account gets no
   * login session and no grant (AccountDisabled, 403 access_denied), nor does a login by
   * `methodKey` once that method is no longer listed on the account (SignInMethodRemoved). Callers
   * check after writing the session or grant, and undo it when refused: a lock-down or a method's
   * removal that lands between the login's own lookups and the write would otherwise miss what
   * the write opened (each sets its flag or drops its listing first, then ends the sessions and
   * grants it finds, SessionLogout.endAllOf: each side writes before it reads). An account with
   * no listing has only the method its subject came from, which cannot be removed.
   */
  async assertMaySignIn(sub: string, methodKey?: string): Promise<void> {
    const refusal = refusalOf(await this.accounts.signInStateOf(sub), methodKey);
    if (refusal) throw refusal;
  }

  /**
   * assertMaySignIn for a sign-in whose subject is decided by the same read after the write: the
   * subject `methodKey` signs in (the account whose record lists it, else `ownSubject`) and,
   * when that account may not sign in, why not (the caller undoes its write under that subject).
   * A wallet's token grant is written under the wallet's own subject and asks this once, instead
   * of a lookup before the write and a check after it (one read less per sign-in); when the
   * subject is another account, the caller moves what it wrote there and checks that account
   * again after the move (GrantTokenIssuer.startGrant).
   */
  async signInOf(methodKey: string, ownSubject: string): Promise<SignInDecision> {
    const state = await this.accounts.methodSignInStateOf(methodKey, ownSubject);
    const refusal = refusalOf(state, methodKey);
    return refusal ? { sub: state.sub, refusal } : { sub: state.sub };
  }

  /**
   * Locks the account of `sub` down; false when it already was. See assertMaySignIn. A change is
   * told (AccountLockedDown) before this resolves: its subscribers' writes are done by then.
   */
  async disable(sub: string): Promise<boolean> {
    const now = this.clock.now();
    const changed = await this.accounts.disable(sub, now);
    if (changed) await this.events.emitAndWait(new AccountLockedDown(sub, now));
    return changed;
  }

  /** Lifts a lock-down; false when the account was not disabled. Told as `disable` is. */
  async enable(sub: string): Promise<boolean> {
    const changed = await this.accounts.enable(sub);
    if (changed) await this.events.emitAndWait(new AccountLockDownLifted(sub, this.clock.now()));
    return changed;
  }

  /** Of `subs`, the disabled ones with when. */
  disabledAmong(subs: readonly string[]): Promise<Map<string, Date>> {
    return this.accounts.disabledAmong(subs);
  }

  /** See AccountRepository.advancePasskeyCounter. */
  advancePasskeyCounter(methodKey: string, counter: number): Promise<boolean> {
    return this.accounts.advancePasskeyCounter(methodKey, counter, this.clock.now());
  }

  /** See AccountRepository.advancePasskeyCounterOf. */
  advancePasskeyCounterOf(
    methodKey: string,
    publicKey: string,
    counter: number,
  ): Promise<SignInMethod | null> {
    return this.accounts.advancePasskeyCounterOf(methodKey, publicKey, counter, this.clock.now());
  }
}
