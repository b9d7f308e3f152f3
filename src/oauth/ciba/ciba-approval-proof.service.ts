import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { ChallengeStore } from '../../challenges/challenge-store';
import type { ChallengeBinding, ConsumeResult, StoredChallenge } from '../../challenges/challenge';
import { ChallengeConfig } from '../../config/sections/challenges.config';
import { ServerConfig } from '../../config/sections/server.config';
import { Clock } from '../../platform/clock/clock';
import { randomIdentifier } from '../../platform/crypto/hashing';
import { InvalidRequest, ProtocolError } from '../../platform/errors/protocol-error';
import { bestAcrOf } from '../../protocol-rules/acr';
import { ProofList, signInAcrOf } from '../../proofs/proof-list';
import type { LoginSession } from '../../sessions/session';
import {
  type ApprovalMethod,
  ApprovalProofs,
  type ApprovalStatement,
  CHALLENGE_OF_ANOTHER_REQUEST,
  type LinkedWallet,
  PASSKEY_APPROVAL,
  type VerifiedApprovalProof,
} from './approval-proofs';
import {
  type ApprovalStatementContext,
  type ApprovalTypedData,
  type ApprovedRequest,
  approvalMessage,
  approvalTypedData,
  approvedRequestHash,
  passkeyApprovalChallenge,
} from './approval-statement';
import { CibaApprovalsService } from './ciba-approvals.service';
import type { CibaRequestPayload } from './ciba-request';
import { ApprovalChallengeUsed, InvalidApprovalChallenge } from './ciba.errors';

/** A wallet challenge's payload: what the statement is rebuilt from when the signature comes. */
interface WalletChallengePayload {
  nonce: string;
  issuedAt: string;
}

/** What a challenge request names: the method, and for a wallet its address and chain. */
export interface ApprovalChallengeRequest {
  readonly method: ApprovalMethod;
  readonly address?: string;
  readonly chainId?: number | string;
}

/** A proof of approval: a passkey's assertion, or a wallet's signature. */
export interface ApprovalProof extends ApprovalChallengeRequest {
  readonly response?: unknown;
  readonly signature?: string;
}

/** The challenge answer: WebAuthn request options, EIP-712 typed data, or a text message. */
export type ApprovalChallenge =
  PublicKeyCredentialRequestOptionsJSON | { typed_data: ApprovalTypedData } | { message: string };

/**
 * The approval as a proof over the exact request (issue #51). A challenge is bound to the
 * request's RFC 8785 hash, the account, the method (and the wallet) and carries a fresh nonce; it
 * is a `ciba_approval` challenge of the one store. The answer is the request's compare-and-set
 * from pending to approved, bound to the account, as a session's approval is.
 *
 * A wallet's signature is checked against its live challenge (read, not spent), and the approval
 * is that one compare-and-set, as a device approval is (device-verification.service.ts): the
 * challenge is spent after it. Spent first, a cut between the two writes (the database gone
 * mid-request) left the challenge spent and the request pending: the person's signature refused
 * as used, the agent polling until the request expired. Two approvals racing with one signature
 * both verify, and only one moves the request; the other finds it answered. A signature refused
 * spends its challenge (the request stays pending, a new challenge is one request away), so a
 * challenge is never tried again after a bad proof; a verifier that could not answer (503) leaves
 * it live. A passkey's challenge is still redeemed inside its verification, before the write.
 */
@Injectable()
export class CibaApprovalProofService {
  private readonly logger = new Logger(CibaApprovalProofService.name);

  constructor(
    private readonly store: ChallengeStore,
    private readonly approvals: CibaApprovalsService,
    private readonly proofs: ApprovalProofs,
    private readonly challenges: ChallengeConfig,
    private readonly server: ServerConfig,
    private readonly clock: Clock,
    private readonly proofList: ProofList,
  ) {}

  /**
   * The strongest `acr` an approval by `method` can achieve (its proof's, from the registry): what
   * is checked before anything is signed; the proof's own `acr` is checked once it verified.
   */
  private bestAcrOf(method: string): string {
    return bestAcrOf(signInAcrOf(this.proofList.proofs, method));
  }

  async challenge(
    session: LoginSession,
    id: string,
    asked: ApprovalChallengeRequest,
  ): Promise<ApprovalChallenge> {
    const request = await this.approvals.ownPending(session.sub, id);
    // Before anything is signed: a method that cannot achieve the request's `acr` is refused.
    this.approvals.refuseUnmetAcr(request, this.bestAcrOf(asked.method));
    const approved = this.approvals.approvedRequest(request);
    const ttlSeconds = this.challenges.webauthnChallengeTtlSeconds;
    const binding = this.bindingOf(session.sub, id, approved, asked.method);
    if (asked.method === PASSKEY_APPROVAL) {
      const challenge = passkeyApprovalChallenge(approved, randomBytes(16));
      const options = await this.proofs.passkeyOptions(session.sub, challenge, ttlSeconds);
      await this.store.issue({
        kind: 'ciba_approval',
        key: challenge,
        binding,
        payload: {},
        ttlSeconds,
      });
      return options;
    }
    const wallet = await this.walletOf(session.sub, asked);
    const payload: WalletChallengePayload = {
      nonce: randomIdentifier(16),
      issuedAt: this.clock.now().toISOString(),
    };
    // One live challenge per request and wallet: a new one supersedes the one before.
    await this.store.issue({
      kind: 'ciba_approval',
      key: walletChallengeKey(session.sub, id, wallet),
      binding: { ...binding, wallet: wallet.accountId },
      payload,
      ttlSeconds,
      replaces: true,
    });
    const statement = await this.statementOf(request, approved, wallet, payload);
    return wallet.form === 'typed_data' && statement.typedData !== undefined
      ? { typed_data: statement.typedData }
      : { message: statement.text };
  }

  /** Approves `id` with `proof`; answers the request's hash and the proof that approved it. */
  async approve(session: LoginSession, id: string, proof: ApprovalProof): Promise<void> {
    const request = await this.approvals.ownPending(session.sub, id);
    // Before the challenge is spent: the request stays pending, its challenge live.
    this.approvals.refuseUnmetAcr(request, this.bestAcrOf(proof.method));
    const approved = this.approvals.approvedRequest(request);
    const binding = this.bindingOf(session.sub, id, approved, proof.method);
    let checked: CheckedApprovalProof;
    try {
      checked = await this.checked(session.sub, id, request, approved, binding, proof);
    } catch (error) {
      // Two approvals racing with one proof: the winner answers the request, then spends the
      // challenge, so the loser may find the challenge used. It is told what happened, the
      // request answered (404, as when it comes later), not that its proof was used.
      if (error instanceof ApprovalChallengeUsed) await this.approvals.ownPending(session.sub, id);
      throw error;
    }
    // The answer: one compare-and-set of the request, whatever becomes of the rest.
    await this.approvals.approveWithProof(session, request, {
      method: proof.method,
      hash: binding.request_hash,
      ...checked.verified,
    });
    // Its challenge spent after it: the request, answered, takes no other proof anyway.
    if (checked.walletChallenge !== undefined) {
      await this.store.redeemPeeked('ciba_approval', checked.walletChallenge);
    }
    this.logger.log(
      `${session.sub} approved a backchannel request of client ${request.binding.client_id} by ${proof.method}`,
    );
  }

  /** The proof checked against its live challenge (a wallet's stays live for the approval to spend). */
  private async checked(
    sub: string,
    id: string,
    request: StoredChallenge<CibaRequestPayload>,
    approved: ApprovedRequest,
    binding: ChallengeBinding,
    proof: ApprovalProof,
  ): Promise<CheckedApprovalProof> {
    if (proof.method === PASSKEY_APPROVAL) {
      if (proof.response === undefined) {
        throw new InvalidRequest('response is required for a passkey approval').because('response');
      }
      return { verified: await this.proofs.verifyPasskey(sub, proof.response, binding) };
    }
    if (proof.signature === undefined) {
      throw new InvalidRequest('signature is required for a wallet approval').because('signature');
    }
    const wallet = await this.walletOf(sub, proof);
    const walletChallenge = walletChallengeKey(sub, id, wallet);
    const verified = await this.verifyWallet(
      request,
      approved,
      wallet,
      walletChallenge,
      { ...binding, wallet: wallet.accountId },
      proof.signature,
    );
    return { verified, walletChallenge };
  }

  /**
   * `signature` checked against the statement of the live challenge under `key`, which stays
   * live when it verifies (the approval spends it); a refused signature spends it.
   */
  private async verifyWallet(
    request: StoredChallenge<CibaRequestPayload>,
    approved: ApprovedRequest,
    wallet: LinkedWallet,
    key: string,
    binding: ChallengeBinding,
    signature: string,
  ): Promise<VerifiedApprovalProof> {
    const live = await this.store.inspect<WalletChallengePayload>('ciba_approval', key, binding);
    if (!live.ok) throw challengeRefusal(live);
    const statement = await this.statementOf(request, approved, wallet, live.challenge.payload);
    try {
      return await this.proofs.verifyWallet(wallet, statement, signature);
    } catch (error) {
      // The signature's fault, not the verifier's (an RPC it could not reach answers 5xx).
      if (error instanceof ProtocolError && error.status < 500) {
        await this.store.spend('ciba_approval', key, binding);
      }
      throw error;
    }
  }

  private bindingOf(
    sub: string,
    id: string,
    approved: ApprovedRequest,
    method: ApprovalMethod,
  ): ChallengeBinding {
    return { approval: id, account: sub, request_hash: approvedRequestHash(approved), method };
  }

  private walletOf(sub: string, asked: ApprovalChallengeRequest): Promise<LinkedWallet> {
    if (asked.address === undefined || asked.chainId === undefined) {
      throw new InvalidRequest('address and chainId are required for a wallet approval').because(
        'wallet',
      );
    }
    return this.proofs.linkedWallet(sub, asked.method, asked.address, asked.chainId);
  }

  private async statementOf(
    request: StoredChallenge<CibaRequestPayload>,
    approved: ApprovedRequest,
    wallet: LinkedWallet,
    challenge: WalletChallengePayload,
  ): Promise<ApprovalStatement> {
    const view = await this.approvals.viewOf(request);
    const context: ApprovalStatementContext = {
      issuer: this.server.issuer,
      clientName: view.client_name,
      rendered: view.rendered,
      nonce: challenge.nonce,
      issuedAt: challenge.issuedAt,
    };
    return {
      text: approvalMessage(approved, context),
      ...(typeof wallet.chainId === 'number'
        ? { typedData: approvalTypedData(approved, context, wallet.chainId) }
        : {}),
    };
  }
}

/** A proof that verified, and the wallet challenge the approval spends (none for a passkey). */
interface CheckedApprovalProof {
  readonly verified: VerifiedApprovalProof;
  readonly walletChallenge?: string;
}

/** A wallet's challenge is keyed by whom, which request and which wallet (its signature names no key). */
function walletChallengeKey(sub: string, id: string, wallet: LinkedWallet): string {
  return `${id} ${sub} ${wallet.accountId}`;
}

function challengeRefusal(result: Exclude<ConsumeResult<unknown>, { ok: true }>) {
  switch (result.reason) {
    case 'replayed':
      return new ApprovalChallengeUsed(
        'This approval challenge was used already: ask for a new one',
      ).because('replay');
    case 'expired':
      return new InvalidApprovalChallenge(
        'The approval challenge expired: ask for a new one',
      ).because('expired_challenge');
    case 'binding_mismatch':
      return new InvalidApprovalChallenge(CHALLENGE_OF_ANOTHER_REQUEST).because('binding_mismatch');
    case 'unknown':
      return new InvalidApprovalChallenge(
        'No approval challenge of this request and wallet: ask for one first',
      ).because('unknown_challenge');
  }
}
