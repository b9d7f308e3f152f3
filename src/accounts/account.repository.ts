import type { CredentialClaims, CredentialIssuer, SignInMethod } from './account';

/** How a claim of a method key for an account ended. */
export type ClaimOutcome = 'claimed' | 'already_yours' | 'taken' | 'full';

/**
 * Most sign-in methods one account lists: what one account (a fresh wallet's too) can make the
 * service store is bounded.
 */
export const MAX_METHODS_PER_ACCOUNT = 20;

/**
 * How a release of a method ended (`stale`: the account is no longer at the revision the release
 * named).
 */
export type ReleaseOutcome = 'released' | 'last_method' | 'not_linked' | 'stale';

/** See AccountRepository.signInStateOf. */
export interface SignInState {
  readonly disabledAt: Date | null;
  readonly methods: readonly string[];
}

/** See AccountRepository.profileOf: what an account's record says of its profile. */
export interface AccountProfileRecord {
  /** The method keys the record lists. */
  readonly methods: readonly string[];
  readonly createdAt: Date;
  /** When a method was last added or removed (absent on records from before it was kept). */
  readonly updatedAt?: Date;
  /** One more at each change of the record (absent: 0, never changed since it was kept). */
  readonly revision?: number;
}

/** See AccountRepository.methodSignInStateOf: the account a method signs in, and its state. */
export interface MethodSignInState extends SignInState {
  readonly sub: string;
}

/**
 * Where accounts and their method index live. The index's key is the method key, unique by
 * construction: a second account claiming a method is refused by the database itself, whatever
 * the timing, never by a read before the write. Implementations never hand out documents.
 */
export abstract class AccountRepository {
  /** The index entry for `key`, if any account holds it. */
  abstract findMethod(key: string): Promise<SignInMethod | null>;

  /** Every method of `sub`, oldest first. */
  abstract methodsOf(sub: string): Promise<SignInMethod[]>;

  /** When the account's record was created, or null when it has none (it never linked). */
  abstract accountCreatedAt(sub: string): Promise<Date | null>;

  /** What the account's record says of its profile (one read by `_id`), or null without one. */
  abstract profileOf(sub: string): Promise<AccountProfileRecord | null>;

  /**
   * Claims `method.key` for `method.sub` (one insert on the index's unique key), then lists it on
   * the account's record (creating it). A key another account holds is `taken`, and nothing is
   * written; one the same account holds is `already_yours`, and its listing is repaired. An
   * account that lists MAX_METHODS_PER_ACCOUNT methods is `full`, and the claim is undone.
   */
  abstract claim(method: SignInMethod & { addedAt: Date }): Promise<ClaimOutcome>;

  /**
   * Removes `key` from `sub` at `at`, unless it is the account's last method: one conditional
   * update of the account's record decides (so two removals racing for the last two methods
   * cannot both pass), then the index entry goes. Given `expectedRevision`, the same update
   * also names the account's revision: `stale` when it moved on.
   */
  abstract release(
    sub: string,
    key: string,
    at: Date,
    expectedRevision?: number,
  ): Promise<ReleaseOutcome>;

  /**
   * Records a passkey's new signature counter if it is higher than the stored one (one
   * conditional update): false when it is not, i.e. another assertion with this counter or a
   * higher one was accepted first.
   */
  /**
   * A sign-in by the credential method `key`: its claims replaced by this presentation's, its use
   * recorded (the lookup and the write each batched with the turn's others); the method as it is
   * now, or null when no account holds it.
   */
  abstract recordCredentialUse(
    key: string,
    claims: CredentialClaims,
    issuedBy: CredentialIssuer,
    at: Date,
  ): Promise<SignInMethod | null>;

  abstract advancePasskeyCounter(key: string, counter: number, at: Date): Promise<boolean>;

  /**
   * The same conditional update for a passkey that must still hold `publicKey`, answering its
   * index entry as updated, or null when nothing matched (removed, another key, or a counter
   * not below `counter`): a sign-in's read of the credential and its counter's advance in one
   * command.
   */
  abstract advancePasskeyCounterOf(
    key: string,
    publicKey: string,
    counter: number,
    at: Date,
  ): Promise<SignInMethod | null>;

  /**
   * Locks the account of `sub` down at `at` (creating its record, with no methods listed, when
   * it has none); false when it already was.
   */
  abstract disable(sub: string, at: Date): Promise<boolean>;

  /** Lifts a lock-down; false when the account was not disabled. */
  abstract enable(sub: string): Promise<boolean>;

  /**
   * What a sign-in of `sub` is checked against after its write (AccountService.assertMaySignIn):
   * when the account was disabled, and the method keys its record lists (none when it has no
   * record). One read of the primary.
   */
  abstract signInStateOf(sub: string): Promise<SignInState>;

  /**
   * The same for a sign-in by the method `key` whose subject is decided after its write
   * (AccountService.signInOf): the account whose record lists `key`, else `ownSubject` (the
   * subject the method gives on its own, a wallet's CAIP-10 id), with that account's state. One
   * read of the primary tells both which account lists the key and what it is. The record list
   * decides (it is never longer than the index: see MongoAccountRepository), so a link whose
   * listing has not landed yet signs in `ownSubject`, as it would a moment earlier.
   */
  abstract methodSignInStateOf(key: string, ownSubject: string): Promise<MethodSignInState>;

  /** Of `subs`, the disabled ones with when (administration's listing). */
  abstract disabledAmong(subs: readonly string[]): Promise<Map<string, Date>>;
}
