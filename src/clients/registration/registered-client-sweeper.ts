import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RegistrationConfig } from '../../config/sections/registration.config';
import { Clock } from '../../platform/clock/clock';
import { SingleFlight } from '../../platform/concurrency/single-flight';
import { TemporarilyUnavailable } from '../../platform/errors/protocol-error';
import { ClientRepository } from '../client.repository';

/** How often each instance deletes expired registrations (the dev database never TTL-deletes). */
const SWEEP_INTERVAL_MS = 10 * 60_000;
/** Clients (and origins) deleted per sweep: bounded work, whatever has piled up. */
const SWEEP_BATCH = 1000;
/** A full store sweeps at registration time at most this often, not once per refused request. */
const MIN_SWEEP_GAP_MS = 60_000;
/**
 * Retry-After of a full registration store: room comes back as registrations expire (within
 * REGISTERED_CLIENT_UNUSED_TTL_HOURS for the unused ones), not within seconds.
 */
const FULL_RETRY_AFTER_SECONDS = 3600;

/**
 * Keeps the clients that registered themselves bounded: expired ones are deleted in bounded
 * batches, every few minutes and when a registration finds the store full, and past
 * REGISTERED_CLIENTS_MAX stored clients registration is refused.
 */
@Injectable()
export class RegisteredClientSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RegisteredClientSweeper.name);
  private readonly sweeps = new SingleFlight<'sweep', number>();
  private timer?: NodeJS.Timeout;
  private lastSweepMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clients: ClientRepository,
    private readonly registration: RegistrationConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) =>
        this.logger.warn(
          `Sweeping expired clients failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Deletes one batch of expired clients; how many. Concurrent calls share one sweep. */
  sweep(): Promise<number> {
    return this.sweeps.run('sweep', async () => {
      const now = this.clock.now();
      this.lastSweepMs = now.getTime();
      const deleted = await this.clients.deleteExpired(now, SWEEP_BATCH);
      if (deleted > 0) this.logger.log(`Deleted ${deleted} expired registered client(s)`);
      return deleted;
    });
  }

  /**
   * Refuses a registration while REGISTERED_CLIENTS_MAX clients are stored. 503, not 429: the
   * bound is the server's, whoever asks, and this caller sent no more requests than allowed
   * (its own rate is RATE_LIMIT_REGISTER_PER_IP's to judge). The count is the collection's
   * metadata, no scan; registrations racing at the bound may pass it by a few.
   */
  async ensureCapacity(): Promise<void> {
    const max = this.registration.maxClients;
    if ((await this.clients.countStored()) < max) return;
    if (this.clock.now().getTime() - this.lastSweepMs >= MIN_SWEEP_GAP_MS) {
      await this.sweep();
      if ((await this.clients.countStored()) < max) return;
    }
    throw new TemporarilyUnavailable(
      'Client registration is temporarily closed: the server holds as many clients as it may; try again later',
      FULL_RETRY_AFTER_SECONDS,
    );
  }
}
