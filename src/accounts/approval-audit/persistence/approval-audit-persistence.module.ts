import { PersistenceModule } from '../../../platform/database/persistence-module';
import { ApprovalAuditLog } from '../approval-audit';
import { ApprovalAuditDocument, ApprovalAuditSchema } from './approval-audit.schema';
import { MongoApprovalAuditLog } from './mongo-approval-audit.log';

/** The answers to backchannel requests: written by the approvals page, read by it and the admin CLI. */
@PersistenceModule(ApprovalAuditLog, MongoApprovalAuditLog, [
  { name: ApprovalAuditDocument.name, schema: ApprovalAuditSchema },
])
export class ApprovalAuditPersistenceModule {}
