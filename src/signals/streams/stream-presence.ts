import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SsfConfig } from '../../config/sections/ssf.config';
import { PUSH_DELIVERY } from '../ssf-events';
import { StreamRepository } from './stream.repository';

/**
 * One read of what streams exist as one process last made it, trusted for `ttlMs` from the moment
 * the read was sent (so the answer is never older than that). `forget` drops it at once in this
 * process. Times are the process's monotonic clock: durations, never dates.
 */
export class PresenceCache<T> {
  private answer: { value: T; until: number } | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async read(read: () => Promise<T>): Promise<T> {
    const now = this.now();
    if (this.answer !== undefined && now < this.answer.until) return this.answer.value;
    const value = await read();
    this.answer = { value, until: now + this.ttlMs };
    return value;
  }

  forget(): void {
    this.answer = undefined;
  }
}

/**
 * Whether any stream exists, cached per process for SSF_STREAM_CHECK_CACHE_MS, and how a new
 * stream is made visible to every instance before its receiver learns its id: the creation is
 * answered only once that long has passed since its insert, by which time every instance's "no
 * stream" (read before the insert) has expired. So a cause that happens after the receiver got
 * its stream is always told to it; a SET is never missed to save a read. Most deployments have no
 * receiver, and then a cause (a sign-out, a passkey added) costs no database command here.
 *
 * Apart from it, whether a push stream exists, cached for SSF_PUSH_CHECK_INTERVAL_MS: the push
 * poller looks at the outbox only while one does (SsfPushPoller says why that is safe).
 */
@Injectable()
export class StreamPresence {
  private readonly streamsCache: PresenceCache<boolean>;
  private readonly methodsCache: PresenceCache<string[]>;

  constructor(
    private readonly streams: StreamRepository,
    private readonly ssf: SsfConfig,
  ) {
    const now = () => performance.now();
    this.streamsCache = new PresenceCache(ssf.streamCheckCacheMs, now);
    this.methodsCache = new PresenceCache(ssf.pushCheckIntervalMs, now);
  }

  /** False only when no stream exists (then no stream covers anything); 0 ms: always true. */
  any(): Promise<boolean> {
    if (this.ssf.streamCheckCacheMs === 0) return Promise.resolve(true);
    return this.streamsCache.read(() => this.streams.any());
  }

  /** Whether any stream exists, as the push poller last read it (with `pushing`, one read). */
  async anyForHousekeeping(): Promise<boolean> {
    return (await this.deliveryMethods()).length > 0;
  }

  /** Whether a push stream exists (of any status), as this process last read it. */
  async pushing(): Promise<boolean> {
    return (await this.deliveryMethods()).includes(PUSH_DELIVERY);
  }

  /** After a stream's insert: this process forgets, the others' answers run out meanwhile. */
  async created(): Promise<void> {
    this.streamsCache.forget();
    this.methodsCache.forget();
    if (this.ssf.streamCheckCacheMs > 0) await sleep(this.ssf.streamCheckCacheMs);
  }

  /** A stream's delivery changed, or push SETs were queued here: read again before trusting "none". */
  changed(): void {
    this.methodsCache.forget();
  }

  private deliveryMethods(): Promise<string[]> {
    return this.methodsCache.read(() => this.streams.deliveryMethods());
  }
}
