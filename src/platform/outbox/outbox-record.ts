import { Prop } from '@nestjs/mongoose';
import type { Schema } from 'mongoose';
import { ExpiringRecord, removeOnceExpired } from '../database/record';

/** Every outbox row is `pending` until it is done or given up; each outbox names those states. */
export const PENDING = 'pending' as const;

/**
 * The fields every durable outbox row has (OutboxLeases): its lease, its attempts and their
 * schedule, and its clean-up time. An outbox's row class extends it with its status (its own
 * words for done and given up), its payload and its own indexes (`@Schema` names the collection).
 * `expiresAt`: when the TTL index may remove the row, past `giveUpAt` (clean-up: nothing relies
 * on it).
 */
export abstract class OutboxRecord extends ExpiringRecord {
  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /** After this, a failure is final. */
  @Prop({ type: Date, required: true })
  giveUpAt!: Date;

  /** When the next attempt is due. */
  @Prop({ type: Date, required: true })
  nextAttemptAt!: Date;

  /** Until when the instance `leaseOwner` holds the row; before `now`: nobody does. */
  @Prop({ type: Date, required: true })
  leaseUntil!: Date;

  @Prop({ type: String })
  leaseOwner?: string;

  /** Attempts started so far (each claim counts one). */
  @Prop({ type: Number, required: true })
  attempts!: number;

  /** Why the latest attempt failed: a reason or a code, never a secret nor an address. */
  @Prop({ type: String })
  lastError?: string;
}

/** A row of an outbox that records when each row finished (OutboxShape.stampFinished). */
export abstract class FinishStampedOutboxRecord extends OutboxRecord {
  /** When it was done or given up (unset while pending). */
  @Prop({ type: Date })
  finishedAt?: Date;
}

/**
 * A row of a sealed-body outbox (sealedBodyOutbox): what it carries, sealed at rest (SecretBox),
 * is dropped once the row is done, or given up and past its give-up time (forgetSpentPayloads).
 */
export abstract class SealedBodyOutboxRecord extends FinishStampedOutboxRecord {
  @Prop({ type: String })
  sealed?: string;
}

/**
 * The indexes every outbox has: pending rows past their give-up time, an operator's pages of one
 * state in queue order (OutboxRows), and the TTL clean-up.
 */
export function indexOutbox(schema: Schema): void {
  schema.index({ status: 1, giveUpAt: 1 });
  schema.index({ status: 1, createdAt: 1, _id: 1 });
  removeOnceExpired(schema);
}
