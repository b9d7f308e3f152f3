import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { SsfConfig } from '../../config/sections/ssf.config';
import { StreamRepository } from './stream.repository';

/**
 * "Is there any stream?" as one process last read it, trusted for `ttlMs` from the moment the read
 * was sent (so the answer is never older than that): most deployments have no receiver, and then
 * a cause (a sign-out, a passkey added) must cost no database command for Shared Signals.
 * `created` forgets the answer at once in this process. Times are the process's monotonic clock:
 * durations, never dates.
 */
export class PresenceCache {
  private answer: { any: boolean; until: number } | undefined;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async any(read: () => Promise<boolean>): Promise<boolean> {
    const now = this.now();
    if (this.answer !== undefined && now < this.answer.until) return this.answer.any;
    const any = await read();
    this.answer = { any, until: now + this.ttlMs };
    return any;
  }

  created(): void {
    this.answer = undefined;
  }
}

/**
 * Whether any stream exists, cached per process for SSF_STREAM_CHECK_CACHE_MS, and how a new
 * stream is made visible to every instance before its receiver learns its id: the creation is
 * answered only once that long has passed since its insert, by which time every instance's "no
 * stream" (read before the insert) has expired. So a cause that happens after the receiver got
 * its stream is always told to it; a SET is never missed to save a read.
 */
@Injectable()
export class StreamPresence {
  private readonly cache: PresenceCache;

  constructor(
    private readonly streams: StreamRepository,
    private readonly ssf: SsfConfig,
  ) {
    this.cache = new PresenceCache(ssf.streamCheckCacheMs, () => performance.now());
  }

  /** False only when no stream exists (then no stream covers anything); 0 ms: always true. */
  any(): Promise<boolean> {
    if (this.ssf.streamCheckCacheMs === 0) return Promise.resolve(true);
    return this.cache.any(() => this.streams.any());
  }

  /** After a stream's insert: this process forgets, the others' answers run out meanwhile. */
  async created(): Promise<void> {
    this.cache.created();
    if (this.ssf.streamCheckCacheMs > 0) await sleep(this.ssf.streamCheckCacheMs);
  }
}
