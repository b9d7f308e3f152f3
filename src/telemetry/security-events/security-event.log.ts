import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { Clock } from '../../platform/clock/clock';

export const SECURITY_EVENT_TYPES = [
  'authorization_code_replay',
  'refresh_token_reuse',
  'wallet_nonce_replay',
  'webauthn_challenge_replay',
  'passkey_counter_regression',
] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

function isSecurityEventType(type: string): type is SecurityEventType {
  return (SECURITY_EVENT_TYPES as readonly string[]).includes(type);
}

@Schema({ collection: 'security_events', versionKey: false })
export class SecurityEventRecord {
  @Prop({ type: String, required: true, enum: SECURITY_EVENT_TYPES })
  type!: SecurityEventType;

  @Prop({ type: Date, required: true })
  at!: Date;

  /** Identifiers only (client id, grant id, hash prefixes): never a secret. */
  @Prop({ type: Object, required: true })
  details!: Record<string, string>;
}

export const SecurityEventSchema = SchemaFactory.createForClass(SecurityEventRecord);
SecurityEventSchema.index({ type: 1, at: -1 });
// Kept 90 days.
SecurityEventSchema.index({ at: 1 }, { expireAfterSeconds: 90 * 86_400 });

/** Records attacks the service stopped, for operators and for the challenge-model figures. */
@Injectable()
export class SecurityEventLog implements OnModuleInit {
  private readonly logger = new Logger('SecurityEvent');

  constructor(
    @InjectModel(SecurityEventRecord.name) private readonly model: Model<SecurityEventRecord>,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureIndexes(this.model);
  }

  async record(type: string, details: Readonly<Record<string, string>>): Promise<void> {
    if (!isSecurityEventType(type)) throw new Error(`Unknown security event type: ${type}`);
    this.logger.warn({ type, ...details }, `security event: ${type}`);
    await this.model.create({ type, at: this.clock.now(), details });
  }

  async count(type: SecurityEventType, since?: Date): Promise<number> {
    return this.model.countDocuments({ type, ...(since ? { at: { $gte: since } } : {}) }).exec();
  }
}
