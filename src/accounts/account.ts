import { randomBytes } from 'node:crypto';
import type { MethodType } from '../proofs/proof-vocabulary';

/**
 * One account, many proofs. An account has a stable subject (`sub`) and sign-in methods, each
 * named by a method key that no two accounts can hold:
 *
 * - a wallet: its CAIP-10 account id, exactly as the wallet login builds it (`eip155:1:0xAb…`,
 *   later `solana:<reference>:<address>`): three colon-separated parts;
 * - a passkey: `passkey:<credential id, base64url>`; a password: `password:<username>`: two
 *   parts (neither base64url nor a username holds a colon), so never equal to a CAIP-10 id
 *   whatever namespace a chain takes;
 * - an email address: `email:<address, lower-cased>` (the `email:` prefix is no CAIP-2
 *   namespace's: those are 3 to 8 characters of `[-a-z0-9]` followed by a reference and an
 *   address, and an address's `@` is in none of them);
 * - an account at an upstream identity provider: `upstream:<provider id>:<its sub>`, read by its
 *   prefix before any CAIP-10 reading (no chain's namespace is `upstream`).
 * - an identity credential presented from a wallet (OpenID4VP): `credential:<base64url SHA-256 of
 *   its issuer and the person's stable claims>`, an account of a minted subject.
 *
 * Existing subjects keep their values: an account that never linked anything has no record, and
 * its subject is what its one method always gave (the username, or the CAIP-10 id). An account an
 * email address created has a subject of its own (mintSubject): an address is personal data a
 * subject must not carry, and may be removed from the account, which a subject never changes. An
 * account a provider's sign-in created has the provider's method key as its subject, as a
 * wallet's has its CAIP-10 id, and a record from the start (its creation is counted).
 */

/** CAIP-10: `<namespace>:<reference>:<address>` (CAIP-2 namespace and reference, then the account). */
const CAIP10 = /^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}:[-.%a-zA-Z0-9]{1,128}$/;
const PASSKEY_PREFIX = 'passkey:';
const PASSWORD_PREFIX = 'password:';
const UPSTREAM_PREFIX = 'upstream:';
const EMAIL_PREFIX = 'email:';
/** Longer than any CAIP-2 namespace (3 to 8 characters): never read as a CAIP-10 id. */
const CREDENTIAL_PREFIX = 'credential:';
/**
 * A minted subject: `account:` and 128 random bits (base64url). Two parts, the second never an
 * address: neither a CAIP-10 id (three parts) nor a username (no colon).
 */
const MINTED_SUBJECT = /^account:[A-Za-z0-9_-]{22}$/;

export function walletMethodKey(caip10AccountId: string): string {
  if (!CAIP10.test(caip10AccountId) || caip10AccountId.startsWith(UPSTREAM_PREFIX)) {
    throw new Error('not a CAIP-10 account id');
  }
  return caip10AccountId;
}

/** The method key of the account `subject` at the upstream provider `providerId`. */
export function upstreamMethodKey(providerId: string, subject: string): string {
  return `${UPSTREAM_PREFIX}${providerId}:${subject}`;
}

/** The provider id and the provider's subject of an upstream method key. */
export function upstreamAccountOf(key: string): { providerId: string; subject: string } {
  const rest = key.slice(UPSTREAM_PREFIX.length);
  const colon = rest.indexOf(':');
  return { providerId: rest.slice(0, colon), subject: rest.slice(colon + 1) };
}

/**
 * The method key of an identity credential (OpenID4VP): `credential:` and the base64url SHA-256
 * `subjectHash` the proof computed from its issuer and the person's stable claims, so that the
 * key carries no personal data (src/oid4vp/credential-subject.ts says which claims).
 */
export function credentialMethodKey(subjectHash: string): string {
  return `${CREDENTIAL_PREFIX}${subjectHash}`;
}

export function passkeyMethodKey(credentialId: string): string {
  return `${PASSKEY_PREFIX}${credentialId}`;
}

export function passwordMethodKey(username: string): string {
  return `${PASSWORD_PREFIX}${username}`;
}

/** `address` is normalised already (email/email-address.ts): lower-cased, trimmed. */
export function emailMethodKey(address: string): string {
  return `${EMAIL_PREFIX}${address}`;
}

/** The address of an email method key. */
export function emailOf(key: string): string {
  return key.slice(EMAIL_PREFIX.length);
}

export function methodTypeOf(key: string): MethodType | undefined {
  if (key.startsWith(CREDENTIAL_PREFIX)) return 'credential';
  if (key.startsWith(UPSTREAM_PREFIX)) return 'upstream';
  if (key.startsWith(PASSKEY_PREFIX)) return 'passkey';
  if (key.startsWith(PASSWORD_PREFIX)) return 'password';
  if (key.startsWith(EMAIL_PREFIX)) return 'email';
  return CAIP10.test(key) ? 'wallet' : undefined;
}

/** A new account's subject when no method names it on its own (an email address created it). */
export function mintSubject(): string {
  return `account:${randomBytes(16).toString('base64url')}`;
}

/** The username of a password method key. */
export function usernameOf(key: string): string {
  return key.slice(PASSWORD_PREFIX.length);
}

/** The credential id of a passkey method key. */
export function credentialIdOf(key: string): string {
  return key.slice(PASSKEY_PREFIX.length);
}

/**
 * The method an account without a record was created by, read from its subject: an upstream
 * method key is a provider's account, a CAIP-10 subject a wallet's, a minted one (mintSubject)
 * none (such an account always has a record: its first method was linked when it was created),
 * any other a password user's (usernames hold no colon).
 */
export function originalMethodKey(sub: string): string | undefined {
  if (MINTED_SUBJECT.test(sub)) return undefined;
  if (sub.startsWith(UPSTREAM_PREFIX)) return sub;
  return CAIP10.test(sub) ? walletMethodKey(sub) : passwordMethodKey(sub);
}

/** Whether the account of `sub` was created by a password (its subject is the username). */
export function subjectIsUsername(sub: string): boolean {
  const own = originalMethodKey(sub);
  return own !== undefined && methodTypeOf(own) === 'password';
}

/**
 * WebAuthn Level 3 §5.8.4 AuthenticatorTransport, with `cable` (the older name of `hybrid` that
 * some browsers still report): the only values a passkey's `transports` may hold.
 */
export const AUTHENTICATOR_TRANSPORTS = [
  'usb',
  'nfc',
  'ble',
  'smart-card',
  'hybrid',
  'internal',
  'cable',
] as const;
export type AuthenticatorTransport = (typeof AUTHENTICATOR_TRANSPORTS)[number];
/** At most this many transports are kept for one passkey (there are seven values). */
export const MAX_TRANSPORTS = 10;

/** What a passkey method keeps of its credential (WebAuthn Level 3 §6.5 credential record). */
export interface PasskeyCredential {
  /** COSE_Key of the credential public key, base64url. */
  readonly publicKey: string;
  /** The signature counter last seen (0 for authenticators that never count). */
  readonly counter: number;
  readonly transports: readonly string[];
  /** `singleDevice` (device-bound: a hardware key) or `multiDevice` (synced). */
  readonly deviceType: 'singleDevice' | 'multiDevice';
  readonly backedUp: boolean;
  /**
   * Proven hardware-bound at registration: its attestation statement verified and chained to the
   * trust list, its backup-eligible flag clear. Absent (a passkey stored before attestation was
   * verified, or one that proved nothing) is false: no migration is needed.
   */
  readonly hardwareBound?: boolean;
  /** The authenticator model (AAGUID), when its attestation chained to the trust list. */
  readonly aaguid?: string;
  /** The model's name, from the FIDO metadata (PASSKEY_MDS_BLOB) by its AAGUID, where known. */
  readonly authenticatorName?: string;
}

/** What an upstream method keeps of the provider's account. */
export interface UpstreamAccount {
  /** The address the provider said it verified (`email_verified`), when it said so. */
  readonly email?: string;
}

/**
 * What a credential method keeps: the claims its latest presentation disclosed among those a scope
 * can give (`identity`, `age`), replaced at every sign-in, so that the ID token and /userinfo
 * carry what the person last chose to disclose and nothing an earlier presentation said.
 */
export interface CredentialClaims {
  readonly given_name?: string;
  readonly family_name?: string;
  readonly birthdate?: string;
  readonly age_over_18?: boolean;
}

/**
 * Who issued an identity credential method's credential and its type (`iss`, `vct`): what the
 * account page shows of it, never a personal claim.
 */
export interface CredentialIssuer {
  readonly issuer: string;
  readonly vct: string;
}

/** One entry of the method index. */
export interface SignInMethod {
  readonly key: string;
  readonly type: MethodType;
  /** The account it signs in. */
  readonly sub: string;
  /** Absent for the method an account was created by, while the account has no record. */
  readonly addedAt?: Date;
  readonly lastUsedAt?: Date;
  readonly passkey?: PasskeyCredential;
  readonly upstream?: UpstreamAccount;
  readonly credential?: CredentialClaims;
  readonly issuedBy?: CredentialIssuer;
}

export interface Account {
  readonly sub: string;
  /** Absent for an account that has never linked anything (it has no record yet). */
  readonly createdAt?: Date;
  readonly methods: readonly SignInMethod[];
  /** Its record's revision (AccountRecord.revision; 0 without a record): what a change names. */
  readonly revision: number;
}
