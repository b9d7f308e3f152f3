import type { AuthMethod } from './access-token';

/** What the token endpoint knows of an OpenID Connect authentication, from the code it redeems. */
export interface IdTokenAuthentication {
  /** When the login session started, seconds since the epoch (OpenID Connect `auth_time`). */
  authTime: number;
  /** The `nonce` of the authorization request, when it sent one. */
  nonce?: string;
  /** RFC 8176 `amr` of the login, when known beyond the method's default. */
  amr?: readonly string[];
}

export interface SignIdTokenInput extends IdTokenAuthentication {
  sub: string;
  /** The client the ID token is for: its only audience (OpenID Connect Core §2 `aud`). */
  clientId: string;
  authMethod: AuthMethod;
  /** The access token issued with it, for `at_hash`. */
  accessToken: string;
}

/**
 * RFC 8176 `amr` values. A password is `pwd`. RFC 8176's registry has no value for Sign-In with
 * Ethereum: the nearest, `pop` (proof of possession of a key), `swk` and `hwk` (software- or
 * hardware-secured key), would each claim more or less than we know (we cannot tell where the
 * wallet keeps its key) and would hide from the client that the user is an Ethereum account.
 * RFC 8176 §2 lets other values be used, so a wallet login says `siwe`, after EIP-4361's name,
 * and a Solana one `siws`, after Sign In With Solana's.
 */
export const AMR: Readonly<Record<AuthMethod, readonly string[]>> = {
  password: ['pwd'],
  siwe: ['siwe'],
  // IANA AMR registry `pop`: possession of a key, hardware or software unspecified (never `hwk`
  // or `swk` without a verified attestation); `user` is added per login when the authenticator
  // verified the user (see passkeyAmr).
  passkey: ['pop'],
  siws: ['siws'],
};
