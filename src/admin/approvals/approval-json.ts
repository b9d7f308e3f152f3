import type { ApprovalAuditRecord } from '../../accounts/approval-audit/approval-audit';

/** As the CLI's `--json` and the admin API show it. */
export function approvalJson(record: ApprovalAuditRecord) {
  return {
    sub: record.sub,
    client_id: record.clientId,
    decision: record.decision,
    ...(record.method === undefined ? {} : { method: record.method }),
    ...(record.methodKey === undefined ? {} : { method_key: record.methodKey }),
    request_hash: record.requestHash,
    scope: record.scope,
    ...(record.bindingMessage === undefined ? {} : { binding_message: record.bindingMessage }),
    ...(record.authorizationDetails === undefined
      ? {}
      : { authorization_details: record.authorizationDetails }),
    at: record.at,
  };
}
