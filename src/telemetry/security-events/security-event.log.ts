import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel, Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { createHash } from 'node:crypto';
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../../platform/database/duplicate-key';
import { ensureIndexes } from '../../platform/database/ensure-indexes';
import { Clock } from '../../platform/clock/clock';
import { type NewestFirstPosition, olderThan } from '../../platform/database/newest-first';

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
// The admin API's pages, newest first, the id breaking ties (a keyset on a unique key): all
// types, or one.
SecurityEventSchema.index({ at: -1, _id: -1 });
SecurityEventSchema.index({ type: 1, at: -1, _id: -1 });
SecurityEventSchema.index({ at: 1 }, { expireAfterSeconds: SECURITY_EVENT_RETENTION_SECONDS });

/** A window's document as a page lists it: where it comes from, when, how many events. */
export interface ListedSecurityEvent {
  readonly id: string;
  readonly type: SecurityEventType;
  /** The value of the type's source detail (SECURITY_EVENT_SOURCE). */
  readonly source: string;
  /** The window's first event, and its latest. */
  readonly at: Date;
  readonly lastAt: Date;
  readonly count: number;
  /** The first event's details: identifiers and hash prefixes, never a secret (see record). */
  readonly details: Readonly<Record<string, string>>;
}

/** Which windows a page holds: every type or one, all of them or those since a time. */
export interface SecurityEventFilter {
  readonly type?: SecurityEventType;
  /** Windows whose first event is at or after this time. */
  readonly since?: Date;
}

/** Where a page starts: after this window, newest first (its first event's time, then its id). */
export type SecurityEventPosition = NewestFirstPosition;

type StoredSecurityEvent = Partial<Omit<SecurityEventRecord, '_id'>> & {
  _id: unknown;
  type: SecurityEventType;
  at: Date;
};

/**
 * A stored window as listed. A document from before counting began (issue #31) has no source,
 * count or lastAt: it stands for one event, its source read from its details.
 */
function listed(record: StoredSecurityEvent): ListedSecurityEvent {
  const details = record.details ?? {};
  return {
    id: String(record._id),
    type: record.type,
    source: record.source ?? details[SECURITY_EVENT_SOURCE[record.type]] ?? 'unknown',
    at: record.at,
    lastAt: record.lastAt ?? record.at,
    count: record.count ?? 1,
    details,
  };
}

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

  /**
   * Up to `limit` windows `filter` names after `after`, newest first by their first event, the id
   * breaking ties of one instant (keyset pagination: one indexed find a page).
   */
  async page(
    { type, since }: SecurityEventFilter,
    { after, limit }: { readonly after?: SecurityEventPosition; readonly limit: number },
  ): Promise<ListedSecurityEvent[]> {
    const records = await this.model
      .find({
        ...(type === undefined ? {} : { type: { $eq: type } }),
        ...(since === undefined ? {} : { at: { $gte: since } }),
        ...olderThan(after),
      })
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .lean<StoredSecurityEvent[]>()
      .exec();
    return records.map(listed);
  }
}
