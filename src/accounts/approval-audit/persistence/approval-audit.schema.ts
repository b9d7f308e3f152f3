import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../../platform/database/record';
import type { AuthorizationDetail } from '../../../protocol-rules/authorization-details';

export const APPROVAL_AUDIT_COLLECTION = 'ciba_approval_audit';

/** One answer to a backchannel request; `_id` random, `expiresAt` its retention's end. */
@Schema({ collection: APPROVAL_AUDIT_COLLECTION, versionKey: false, strict: 'throw' })
export class ApprovalAuditDocument extends ExpiringRecord {
  @Prop({ type: String, required: true })
  sub!: string;

  @Prop({ type: String, required: true })
  clientId!: string;

  @Prop({ type: String, required: true })
  decision!: 'approved' | 'denied';

  @Prop({ type: String })
  method?: string;

  @Prop({ type: String })
  methodKey?: string;

  @Prop({ type: String, required: true })
  requestHash!: string;

  @Prop({ type: String, required: true })
  scope!: string;

  @Prop({ type: String })
  bindingMessage?: string;

  @Prop({ type: [Object], default: undefined })
  authorizationDetails?: AuthorizationDetail[];

  @Prop({ type: Date, required: true })
  at!: Date;
}

export const ApprovalAuditSchema = SchemaFactory.createForClass(ApprovalAuditDocument);
// The account page's and `approvals list --account`'s query: newest first.
ApprovalAuditSchema.index({ sub: 1, at: -1 });
// The admin API's pages: newest first, the id breaking ties (a keyset on a unique key).
ApprovalAuditSchema.index({ sub: 1, at: -1, _id: -1 });
removeOnceExpired(ApprovalAuditSchema);
