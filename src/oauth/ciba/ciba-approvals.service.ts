import { Injectable, Logger } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import type { StoredChallenge } from '../../challenges/challenge';
import { ClientRegistry } from '../../clients/client-registry.service';
import { Clock } from '../../platform/clock/clock';
import { NotFound } from '../../platform/errors/protocol-error';
import type { PayloadFields } from '../../challenges/challenge';
import { type AcrValue, SIGNED_IN, meetsAcr } from '../../protocol-rules/acr';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import type { LoginSession } from '../../sessions/session';
import { AuthorizationDetailsCheck } from '../authorization-details/authorization-details.check';
import { type CibaRequestPayload, MAX_LISTED_APPROVALS } from './ciba-request';
import { ApprovalProofRequired, PasskeyRequired } from './ciba.errors';
import { type ApprovedRequest, approvedRequestHash, approvedRequestOf } from './approval-statement';
import { TokenConfig } from '../../config/sections/tokens.config';
import type { VerifiedApprovalProof } from './approval-proofs';
import { ApprovalAuditLog } from '../../accounts/approval-audit/approval-audit';
import { CibaNotifications } from './notifications/ciba-notifications';

/** A pending request as its person sees it (GET /account/approvals). */
export interface PendingApproval {
  /**
   * Opaque: the SHA-256 of the `auth_req_id` (the store's key hash), which names the request
   * without giving the page what the client polls with.
   */
  readonly id: string;
  readonly client_id: string;
  readonly client_name: string;
  readonly binding_message?: string;
  readonly authorization_details?: readonly AuthorizationDetail[];
  /** Each authorization detail as its type's template reads (plain text). */
  readonly rendered: readonly string[];
  readonly scope: string;
  /**
   * RFC 8707: the server the tokens would be for, when it is not Proofgate's own API: the person
   * sees where the agent would act (and a proof signs it, approval-statement.ts).
   */
  readonly resource?: string;
  /**
   * `phr` when the request's scope or resource needs it (ACR_REQUIRED_BY_*): only a passkey
   * approves it.
   */
  readonly required_acr?: AcrValue;
  readonly expires_at: string;
}

export type ApprovalDecision = 'approve' | 'deny';

/** The account's pending requests as the approvals page shows them: the newest, and how many. */
export interface PendingApprovals {
  /** The newest MAX_LISTED_APPROVALS pending requests, newest first. */
  readonly approvals: PendingApproval[];
  /** How many are pending in all: more than `approvals` holds when some are not listed. */
  readonly total: number;
}

const NOT_PENDING = 'No pending request of this account has that id (answered, expired, or never)';

const PROOF_NEEDED =
  'This request carries authorization_details: approving it needs a fresh proof over the request ' +
  '(a passkey or a wallet signature: POST /account/approvals/{id}/challenge, then approve with ' +
  'the proof); a session alone approves only requests without authorization_details';

const PASSKEY_NEEDED =
  'This request asks for a scope or resource that needs acr phr (a phishing-resistant sign-in): ' +
  'only a passkey approves it (POST /account/approvals/{id}/challenge with method passkey, then ' +
  'approve with the assertion); a session or a wallet signature does not';

/** A proof that approved a request: how, over which hash, and the sign-in it stands for. */
export interface ApprovalByProof extends VerifiedApprovalProof {
  /** `passkey`, or the wallet chain's CAIP-2 namespace. */
  readonly method: string;
  /** BASE64URL(SHA-256) of the request's RFC 8785 canonical JSON. */
  readonly hash: string;
}

/**
 * The person's side of CIBA (Core 1.0 §8: the OP authenticates the user and obtains consent by
 * means of its own): the signed-in account's pending backchannel requests, and its answer to one.
 * An answer moves the request from pending to approved or denied with a compare-and-set bound to
 * the account, so another account's attempt matches nothing and changes nothing; the client
 * learns it at its next poll.
 */
@Injectable()
export class CibaApprovalsService {
  private readonly logger = new Logger(CibaApprovalsService.name);

  constructor(
    private readonly store: ChallengeStore,
    private readonly clients: ClientRegistry,
    private readonly details: AuthorizationDetailsCheck,
    private readonly clock: Clock,
    private readonly audit: ApprovalAuditLog,
    private readonly notifications: CibaNotifications,
    private readonly tokens: TokenConfig,
  ) {}

  /** What a proof over `request` approves, and what its hash covers (approval-statement.ts). */
  approvedRequest(request: StoredChallenge<CibaRequestPayload>): ApprovedRequest {
    return approvedRequestOf(request, this.tokens.audience);
  }

  /**
   * The page's list and how many are pending in all, so that requests past the list are never
   * hidden without a word (however many clients ask, each keeps at most its cap pending).
   */
  async listed(sub: string): Promise<PendingApprovals> {
    const [approvals, total] = await Promise.all([
      this.pending(sub),
      this.store.countLive('ciba_request', {
        binding: { account: sub },
        payload: { status: 'pending' },
      }),
    ]);
    // Read a moment apart: never fewer in all than listed.
    return { approvals, total: Math.max(total, approvals.length) };
  }

  async pending(sub: string): Promise<PendingApproval[]> {
    // Pending ones only, before the limit: answered requests still live never crowd them out.
    const waiting = await this.store.listLiveOfAccount<CibaRequestPayload>(
      'ciba_request',
      sub,
      MAX_LISTED_APPROVALS,
      { status: 'pending' },
    );
    return Promise.all(waiting.map((request) => this.viewOf(request)));
  }

  /** The account's pending request `id` as stored; NotFound when there is none. */
  async ownPending(sub: string, id: string): Promise<StoredChallenge<CibaRequestPayload>> {
    // By its id: however many other requests are live, the one the person answers is found.
    const own = await this.store.findLiveOfAccount<CibaRequestPayload>('ciba_request', id, sub, {
      status: 'pending',
    });
    if (own === null) throw new NotFound(NOT_PENDING).because('not_pending');
    return own;
  }

  /**
   * Moves `request` from pending to approved by a proof over it (its compare-and-set bound to the
   * account, as a session's), the proof's sign-in and the `approval` claim's fields with it.
   */
  async approveWithProof(
    session: LoginSession,
    request: StoredChallenge<CibaRequestPayload>,
    proof: ApprovalByProof,
  ): Promise<void> {
    this.refuseUnmetAcr(request, proof.acr);
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const updated = await this.store.update<CibaRequestPayload>(
      'ciba_request',
      request.keyHash,
      { account: session.sub },
      { status: 'pending' },
      {
        status: 'approved',
        sub: session.sub,
        authMethod: proof.authMethod,
        methodKey: proof.methodKey,
        amr: [...proof.amr],
        acr: proof.acr,
        // The proof is a fresh authentication of this very request.
        authTime: now,
        sid: session.sid,
        approvedAt: now,
        approvalMethod: proof.method,
        approvalHash: proof.hash,
        approvalTime: now,
      },
    );
    if (!updated) throw new NotFound(NOT_PENDING).because('not_pending');
    // CIBA Core 1.0 §10.2: a ping client is told, whatever approved it.
    await this.notifications.answered(updated);
    await this.recordAnswer(updated, 'approved', proof.method, proof.methodKey);
  }

  async answer(session: LoginSession, id: string, decision: ApprovalDecision): Promise<void> {
    const changes: PayloadFields =
      decision === 'approve' ? this.approvalBy(session) : { status: 'denied' };
    // A session approves only a request without authorization_details and without an `acr`
    // beyond a sign-in (the filter's `null` matches a payload without them); denying needs no
    // proof.
    const expected: PayloadFields =
      decision === 'approve'
        ? { status: 'pending', authorizationDetails: null, requiredAcr: null }
        : { status: 'pending' };
    const updated = await this.store.update<CibaRequestPayload>(
      'ciba_request',
      id,
      { account: session.sub },
      expected,
      changes,
    );
    if (!updated) {
      // Only to say why: a pending request of this account with details, or nothing of its own.
      const own = (await this.pending(session.sub)).find((request) => request.id === id);
      if (own?.required_acr !== undefined) {
        throw new PasskeyRequired(PASSKEY_NEEDED).because('passkey_required');
      }
      if (own?.authorization_details !== undefined) {
        throw new ApprovalProofRequired(PROOF_NEEDED).because('proof_required');
      }
      throw new NotFound(NOT_PENDING).because('not_pending');
    }
    // CIBA Core 1.0 §10.2: a ping client is told, approved or denied.
    await this.notifications.answered(updated);
    this.logger.log(
      `${session.sub} ${decision === 'approve' ? 'approved' : 'denied'} a backchannel request of client ${updated.binding.client_id}`,
    );
    await this.recordAnswer(
      updated,
      decision === 'approve' ? 'approved' : 'denied',
      decision === 'approve' ? 'session' : undefined,
    );
  }

  /**
   * RFC 9470 for an approval: a request whose scope or resource needs an `acr` beyond a sign-in
   * (`phr`) is approved only by a proof that achieves it, `achieved`; else PasskeyRequired, and
   * the request stays pending.
   */
  refuseUnmetAcr(request: StoredChallenge<CibaRequestPayload>, achieved: string): void {
    if (!meetsAcr(achieved, request.payload.requiredAcr)) {
      throw new PasskeyRequired(PASSKEY_NEEDED).because('passkey_required');
    }
  }

  /** The audit record of an answer: who, which client, what (the request and its hash), how, when. */
  private recordAnswer(
    request: StoredChallenge<CibaRequestPayload>,
    decision: 'approved' | 'denied',
    method?: string,
    methodKey?: string,
  ): Promise<void> {
    const { scope, bindingMessage, authorizationDetails } = request.payload;
    return this.audit.record({
      sub: request.binding.account,
      clientId: request.binding.client_id,
      decision,
      ...(method === undefined ? {} : { method }),
      ...(methodKey === undefined ? {} : { methodKey }),
      requestHash: approvedRequestHash(this.approvedRequest(request)),
      scope,
      ...(bindingMessage === undefined ? {} : { bindingMessage }),
      ...(authorizationDetails === undefined ? {} : { authorizationDetails }),
      at: this.clock.now(),
    });
  }

  /**
   * What the token endpoint opens the grant with: the session's sign-in, with `acr` no stronger
   * than a sign-in: a click in a session is no phishing-resistant proof of this request.
   */
  private approvalBy(session: LoginSession): PayloadFields {
    return {
      status: 'approved',
      sub: session.sub,
      authMethod: session.authMethod,
      ...(session.methodKey === undefined ? {} : { methodKey: session.methodKey }),
      ...(session.amr ? { amr: [...session.amr] } : {}),
      acr: SIGNED_IN,
      authTime: Math.floor(session.authTime.getTime() / 1000),
      sid: session.sid,
      approvedAt: Math.floor(this.clock.now().getTime() / 1000),
    };
  }

  async viewOf(request: StoredChallenge<CibaRequestPayload>): Promise<PendingApproval> {
    const clientId = request.binding.client_id;
    const client = await this.clients.find(clientId);
    const { authorizationDetails, bindingMessage, scope, requiredAcr } = request.payload;
    const { resource } = this.approvedRequest(request);
    return {
      id: request.keyHash,
      client_id: clientId,
      client_name: client?.name ?? clientId,
      ...(bindingMessage === undefined ? {} : { binding_message: bindingMessage }),
      ...(authorizationDetails === undefined
        ? {}
        : { authorization_details: authorizationDetails }),
      rendered:
        authorizationDetails === undefined
          ? []
          : this.details.render(authorizationDetails).map((rendered) => rendered.text),
      scope,
      ...(resource === undefined ? {} : { resource }),
      ...(requiredAcr === undefined ? {} : { required_acr: requiredAcr }),
      expires_at: request.expiresAt.toISOString(),
    };
  }
}
