import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ApprovalAuditLog } from '../approval-audit';
import { ApprovalAuditDocument, ApprovalAuditSchema } from './approval-audit.schema';
import { MongoApprovalAuditLog } from './mongo-approval-audit.log';

/** The answers to backchannel requests: written by the approvals page, read by it and the admin CLI. */
@Module({
  imports: [
    MongooseModule.forFeature([{ name: ApprovalAuditDocument.name, schema: ApprovalAuditSchema }]),
  ],
  providers: [{ provide: ApprovalAuditLog, useClass: MongoApprovalAuditLog }],
  exports: [ApprovalAuditLog],
})
export class ApprovalAuditPersistenceModule {}
