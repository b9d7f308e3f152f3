import { Injectable, Logger } from '@nestjs/common';
import { ChallengeStore } from '../../challenges/challenge-store';
import type { StoredChallenge } from '../../challenges/challenge';
import { ClientRegistry } from '../../clients/client-registry.service';
import { Clock } from '../../platform/clock/clock';
import { NotFound } from '../../platform/errors/protocol-error';
import type { PayloadFields } from '../../challenges/challenge';
import { SIGNED_IN } from '../../protocol-rules/acr';
import type { AuthorizationDetail } from '../../protocol-rules/authorization-details';
import type { LoginSession } from '../../sessions/session';
import { AuthorizationDetailsCheck } from '../authorization-details/authorization-details.check';
import { type CibaRequestPayload, MAX_LISTED_APPROVALS } from './ciba-request';
import { ApprovalProofRequired } from './ciba.errors';
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
  readonly expires_at: string;
}

export type ApprovalDecision = 'approve' | 'deny';

const NOT_PENDING = 'No pending request of this account has that id (answered, expired, or never)';

const PROOF_NEEDED =
  'This request carries authorization_details: approving it needs a fresh proof over the request ' +
  '(a passkey or a wallet signature), which this server does not offer yet; a session alone ' +
  'approves only requests without authorization_details. Deny it, or ask the client for one without them';

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
    private readonly notifications: CibaNotifications,
  ) {}

  async pending(sub: string): Promise<PendingApproval[]> {
    const live = await this.store.listLiveOfAccount<CibaRequestPayload>(
      'ciba_request',
      sub,
      MAX_LISTED_APPROVALS,
    );
    const waiting = live.filter((request) => request.payload.status === 'pending');
    return Promise.all(waiting.map((request) => this.view(request)));
  }

  async answer(session: LoginSession, id: string, decision: ApprovalDecision): Promise<void> {
    const changes: PayloadFields =
      decision === 'approve' ? this.approvalBy(session) : { status: 'denied' };
    // A session approves only a request without authorization_details (the filter's `null`
    // matches a payload without them); denying needs no proof.
    const expected: PayloadFields =
      decision === 'approve'
        ? { status: 'pending', authorizationDetails: null }
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

  private async view(request: StoredChallenge<CibaRequestPayload>): Promise<PendingApproval> {
    const clientId = request.binding.client_id;
    const client = await this.clients.find(clientId);
    const { authorizationDetails, bindingMessage, scope } = request.payload;
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
      expires_at: request.expiresAt.toISOString(),
    };
  }
}
