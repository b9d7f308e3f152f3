import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ExpiringRecord, removeOnceExpired } from '../../../platform/database/record';
import type { AdminOutcome } from '../admin-audit';

export const ADMIN_AUDIT_COLLECTION = 'admin_audit';

/**
 * One administrative write. `_id` sorts as the records were made (the time in milliseconds,
 * zero-padded, then random): the trail pages on it, newest first, with no other index.
 */
@Schema({ collection: ADMIN_AUDIT_COLLECTION, versionKey: false, strict: 'throw' })
export class AdminAuditDocument extends ExpiringRecord {
  @Prop({ type: Date, required: true })
  at!: Date;

  /**
   * `client`: an admin client's `client_id`; `operator`: the account's subject (`clientId` the
   * console's); `cli`: the operating-system user.
   */
  @Prop({ type: String, required: true, enum: ['client', 'operator', 'cli'] })
  actorKind!: 'client' | 'operator' | 'cli';

  @Prop({ type: String, required: true })
  actor!: string;

  /** An operator's: the client it acted through (`proofgate-console`). */
  @Prop({ type: String })
  clientId?: string;

  @Prop({ type: String, required: true })
  action!: string;

  @Prop({ type: Object, required: true })
  targets!: Record<string, string>;

  @Prop({ type: String, required: true })
  requestId!: string;

  @Prop({ type: String, required: true, enum: ['done', 'refused', 'failed'] })
  outcome!: AdminOutcome;

  @Prop({ type: String })
  reason?: string;
}

export const AdminAuditSchema = SchemaFactory.createForClass(AdminAuditDocument);
// Clean-up after ADMIN_AUDIT_RETENTION_DAYS; nothing reads a record for its expiry.
removeOnceExpired(AdminAuditSchema);
