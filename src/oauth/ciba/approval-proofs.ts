import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { ChallengeBinding } from '../../challenges/challenge';
import type { AuthMethod } from '../../proofs/proof-vocabulary';
import type { ApprovalTypedData } from './approval-statement';

/** How a person proves an approval (issue #51): a passkey, or a wallet of a chain (its CAIP-2 namespace). */
export type ApprovalMethod = string;
export const PASSKEY_APPROVAL = 'passkey';

/**
 * What a proof over an approval challenge bound to something else is told: the challenge names
 * the request (its id and hash), the account and the method, and the request is the one that
 * differs when a person's own proof lands on the wrong card.
 */
export const CHALLENGE_OF_ANOTHER_REQUEST =
  'The approval challenge was issued for another request or method: ask for this request’s own challenge';

/** A proof that verified: the sign-in it stands for, as the grant records it. */
export interface VerifiedApprovalProof {
  readonly authMethod: AuthMethod;
  /** The method the proof was made with (`passkey:<credential id>`, a CAIP-10 account id). */
  readonly methodKey: string;
  readonly amr: readonly string[];
  readonly acr: string;
}

/** A wallet linked to the account, as its chain names it: what it signs an approval as. */
export interface LinkedWallet {
  /** CAIP-10 account id (its method key on the account). */
  readonly accountId: string;
  /** The chain as the typed data's domain names it (an EIP-155 chain id), or as the request did. */
  readonly chainId: number | string;
  /** What the wallet signs: EIP-712 typed data, or a text message. */
  readonly form: 'typed_data' | 'message';
}

/** What a wallet signs, in both forms: its chain picks one. */
export interface ApprovalStatement {
  readonly typedData?: ApprovalTypedData;
  readonly text: string;
}

/**
 * The proofs a person approves a backchannel request with: passkeys and wallets, which oauth/
 * may not import (they are proofs of their own). Declared here, provided by src/approval-proofs/
 * (a global module), so the dependency points one way.
 */
export abstract class ApprovalProofs {
  /**
   * WebAuthn request options (§5.5) for `sub`'s passkeys with `challenge`, user verification
   * required; ProofUnavailable when the account has no passkey.
   */
  abstract passkeyOptions(
    sub: string,
    challenge: string,
    ttlSeconds: number,
  ): Promise<PublicKeyCredentialRequestOptionsJSON>;

  /**
   * Verifies a passkey assertion whose challenge is redeemed, inside the check, under the
   * `ciba_approval` kind with `binding`: the passkey must be `sub`'s and verify the user; its
   * counter advances as at sign-in.
   */
  abstract verifyPasskey(
    sub: string,
    response: unknown,
    binding: ChallengeBinding,
  ): Promise<VerifiedApprovalProof>;

  /** The wallet of `method`, `address` and `chainId` that `sub`'s account lists; refused otherwise. */
  abstract linkedWallet(
    sub: string,
    method: string,
    address: string,
    chainId: number | string,
  ): Promise<LinkedWallet>;

  /** Verifies `signature` of `statement` by `wallet`: InvalidSignature otherwise. */
  abstract verifyWallet(
    wallet: LinkedWallet,
    statement: ApprovalStatement,
    signature: string,
  ): Promise<VerifiedApprovalProof>;
}
