import { Injectable } from '@nestjs/common';
import {
  ApprovalAuditLog,
  type ApprovalAuditRecord,
} from '../../accounts/approval-audit/approval-audit';

/** `proofgate-admin approvals list` and `/admin/v1/approvals`: answers to CIBA requests. */
@Injectable()
export class ApprovalAdministration {
  constructor(private readonly log: ApprovalAuditLog) {}

  /** An account's answers, newest first, at most `limit`. */
  listOf(sub: string, limit: number): Promise<ApprovalAuditRecord[]> {
    return this.log.listOf(sub, limit);
  }
}
