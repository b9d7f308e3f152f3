import { Injectable, Logger } from '@nestjs/common';
import { OperatorConfig } from '../../config/sections/operator.config';
import { Clock } from '../../platform/clock/clock';
import { randomIdentifier } from '../../platform/crypto/hashing';
import { AdminActionRecorded } from '../../platform/events/admin.events';
import { DomainEvents } from '../../platform/events/domain-events';
import { ProtocolError } from '../../platform/errors/protocol-error';
import type { AdminRefusal } from '../admin.errors';
import {
  type AdminAuditFilter,
  type AdminAuditRecord,
  AdminAuditRepository,
  type AdminCall,
  type AdminOutcome,
  type AdminTargets,
} from './admin-audit';

const DAY_MS = 86_400_000;
/** A refusal's message on the record, at most this long. */
const REASON_MAX = 300;

/** An error the service threw on purpose, with a message safe to show (AdminError, UserAccountError). */
export function refusalOf(error: unknown): AdminRefusal | undefined {
  if (!(error instanceof Error) || !('refusal' in error)) return undefined;
  const { refusal } = error as { refusal: unknown };
  return refusal === 'invalid' ||
    refusal === 'not_found' ||
    refusal === 'conflict' ||
    refusal === 'stale'
    ? refusal
    : undefined;
}

/**
 * The service said no, with a message safe to show: an AdminError or UserAccountError, or a
 * protocol error of the client's side (4xx, e.g. the accounts' `MethodAlreadyLinked`).
 */
function isRefusal(error: unknown): boolean {
  return refusalOf(error) !== undefined || (error instanceof ProtocolError && error.status < 500);
}

/**
 * The audit trail of administrative writes (issue #77): every change the administration services
 * make, whichever face asked (the admin API or `proofgate-admin`), is recorded here by the service
 * itself, with its outcome. Ids only: a secret, a password or a token is never handed to it.
 */
@Injectable()
export class AdminAuditTrail {
  private readonly logger = new Logger(AdminAuditTrail.name);

  constructor(
    private readonly records: AdminAuditRepository,
    private readonly clock: Clock,
    private readonly operator: OperatorConfig,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Runs `work`, then records what it did: `done`, `refused` (an AdminError, with its message) or
   * `failed` (anything else, said no more). The record is written before the answer, so a change
   * the caller was told of is on the trail; a trail that cannot be written fails the call.
   */
  async around<T>(
    call: AdminCall,
    action: string,
    targets: AdminTargets,
    work: () => Promise<T>,
  ): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      await this.record(call, action, targets, isRefusal(error) ? 'refused' : 'failed', error);
      throw error;
    }
    await this.record(call, action, targets, 'done');
    return result;
  }

  /**
   * Records a change refused before its service ran (the admin API's If-Match check: `412`,
   * `428`), as `around` records a refusal of the service's own.
   */
  refusedBefore(
    call: AdminCall,
    action: string,
    targets: AdminTargets,
    error: ProtocolError,
  ): Promise<void> {
    return this.record(call, action, targets, 'refused', error);
  }

  list(
    filter: AdminAuditFilter,
    page: { readonly before?: string; readonly limit: number },
  ): Promise<AdminAuditRecord[]> {
    return this.records.page(filter, page);
  }

  private async record(
    call: AdminCall,
    action: string,
    targets: AdminTargets,
    outcome: AdminOutcome,
    error?: unknown,
  ): Promise<void> {
    const at = this.clock.now();
    const record: AdminAuditRecord = {
      // Sorts as made: the time in ms (15 digits until the year 33658), then 8 random bytes.
      id: `${String(at.getTime()).padStart(15, '0')}-${randomIdentifier(8)}`,
      at,
      actor: call.actor,
      action,
      targets,
      requestId: call.requestId,
      outcome,
      ...(outcome === 'refused' && error instanceof Error
        ? {
            reason: (error instanceof ProtocolError ? error.description : error.message).slice(
              0,
              REASON_MAX,
            ),
          }
        : {}),
    };
    const expiresAt = new Date(at.getTime() + this.operator.adminAuditRetentionDays * DAY_MS);
    try {
      await this.records.insert(record, expiresAt);
    } catch (failure) {
      this.logger.error(`Admin action ${action} not recorded: ${(failure as Error).message}`);
      throw failure;
    }
    this.events.emit(new AdminActionRecorded(action, outcome));
  }
}
