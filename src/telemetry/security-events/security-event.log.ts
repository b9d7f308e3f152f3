import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../../platform/database/duplicate-key';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { Clock } from '../../platform/clock/clock';

export const SECURITY_EVENT_TYPES = [
  'authorization_code_replay',
  'refresh_token_reuse',
  'wallet_nonce_replay',
  'webauthn_challenge_replay',
  'passkey_counter_regression',
  'upstream_state_replay',
] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

function isSecurityEventType(type: string): type is SecurityEventType {
  return (SECURITY_EVENT_TYPES as readonly string[]).includes(type);
}

/**
 * The detail that names where an event's refused requests come from, per type: the client that
 * presented a used code or refresh token, the wallet whose used message was replayed, the
 * ceremony whose used challenge was, the account whose passkey went backwards, the provider
 * whose used sign-in state came back. The emitters know
 * these, not the caller's network address.
 */
export const SECURITY_EVENT_SOURCE: Readonly<Record<SecurityEventType, string>> = {
  authorization_code_replay: 'client_id',
  refresh_token_reuse: 'client_id',
  wallet_nonce_replay: 'address',
  webauthn_challenge_replay: 'ceremony',
  passkey_counter_regression: 'sub',
  upstream_state_replay: 'provider',
};

/** One document per (type, source, minute): further events of that minute are counted into it. */
const WINDOW_MS = 60_000;
/** Kept 90 days after the window's first event. */
export const SECURITY_EVENT_RETENTION_SECONDS = 90 * 86_400;

@Schema({ collection: 'security_events', versionKey: false, strict: 'throw' })
export class SecurityEventRecord {
  /** A hash of type, source and minute: the key the counting upsert finds its document by. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true, enum: SECURITY_EVENT_TYPES })
  type!: SecurityEventType;

  /** The value of the type's source detail (SECURITY_EVENT_SOURCE), an identifier. */
  @Prop({ type: String, required: true, maxlength: 512 })
  source!: string;

  /** The first event of the window. */
  @Prop({ type: Date, required: true })
  at!: Date;

  /** The latest event of the window. */
  @Prop({ type: Date, required: true })
  lastAt!: Date;

  /** Events of this type from this source in the window (one per refused request). */
  @Prop({ type: Number, required: true, min: 1 })
  count!: number;

  /**
   * The first event's details: identifiers only (client id, grant id, hash prefixes), never a
   * secret. Every event's own details are in its log line.
   */
  @Prop({ type: Object, required: true })
  details!: Record<string, string>;
}

export const SecurityEventSchema = SchemaFactory.createForClass(SecurityEventRecord);
SecurityEventSchema.index({ type: 1, at: -1 });
SecurityEventSchema.index({ at: 1 }, { expireAfterSeconds: SECURITY_EVENT_RETENTION_SECONDS });

/**
 * Records attacks the service stopped, for operators and for the challenge-model figures. An
 * attacker repeating a refused request grows the collection by one document per type, source and
 * minute, not one per request: the first event's document is created, later ones count into it.
 */
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
    const at = this.clock.now();
    const source = (details[SECURITY_EVENT_SOURCE[type]] ?? 'unknown').slice(0, 512);
    const windowStart = at.getTime() - (at.getTime() % WINDOW_MS);
    const _id = createHash('sha256')
      .update(JSON.stringify([type, source, windowStart]))
      .digest('base64url');
    // Through the model: the schema casts and validates what the upsert writes.
    const upsert = () =>
      this.model
        .updateOne(
          { _id },
          {
            $inc: { count: 1 },
            $max: { lastAt: at },
            $setOnInsert: { type, source, at, details: { ...details } },
          },
          { upsert: true, runValidators: true },
        )
        .exec();
    try {
      await upsert();
    } catch (error) {
      // Two first events of a window raced: the loser's retry counts into the winner's document.
      if (!isDuplicateKey(error)) throw error;
      await upsert();
    }
  }

  /**
   * Events of `type` (every document's count), optionally from one source and since a time (by
   * their window's first event).
   */
  async count(
    type: SecurityEventType,
    { since, source }: { since?: Date; source?: string } = {},
  ): Promise<number> {
    const [total] = await this.model
      .aggregate<{ events: number }>([
        {
          $match: {
            type,
            ...(source !== undefined ? { source } : {}),
            ...(since ? { at: { $gte: since } } : {}),
          },
        },
        // A document from before counting began stands for one event.
        { $group: { _id: null, events: { $sum: { $ifNull: ['$count', 1] } } } },
      ])
      .exec();
    return total?.events ?? 0;
  }
}
