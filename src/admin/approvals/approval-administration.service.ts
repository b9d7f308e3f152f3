import { Injectable } from '@nestjs/common';
import {
  type ApprovalAuditFilter,
  ApprovalAuditLog,
  type ApprovalAuditPosition,
  type ApprovalAuditRecord,
  type ListedApprovalAuditRecord,
} from '../../accounts/approval-audit/approval-audit';

/** `proofgate-admin approvals list` and `/admin/v1/approvals`: answers to CIBA requests. */
@Injectable()
export class ApprovalAdministration {
  constructor(private readonly log: ApprovalAuditLog) {}

  /** An account's answers, newest first, at most `limit`. */
  listOf(sub: string, limit: number): Promise<ApprovalAuditRecord[]> {
    return this.log.listOf(sub, limit);
  }

  /** A page of an account's answers (all, or one decision's), newest first, after `after`. */
  page(
    filter: ApprovalAuditFilter,
    page: { readonly after?: ApprovalAuditPosition; readonly limit: number },
  ): Promise<ListedApprovalAuditRecord[]> {
    return this.log.page(filter, page);
  }
}
