/**
 * One fleet run: build the service once, start the database and three instances, check today's
 * rate limiter, run the traffic with the faults in their slots, then stop everything and judge
 * the records. Used by `npm run fleet`, `npm run soak` and test/e2e/platform/fleet.e2e-spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildService } from '../../bench/lib/proofgate';
import { fleetChecks, type Check, type FleetFigures } from './checks';
import { FleetClient } from './client';
import { DeviceTraffic } from './device';
import {
  LOGOUT_AFTER_KILL_MS,
  LOGOUT_LEAD_MS,
  LOGOUT_READY_WITHIN_MS,
  LogoutTraffic,
} from './logout';
import { FaultRunner, type FaultRecord, type KillHooks } from './faults';
import { BACKCHANNEL_LOGOUT_TIMEOUT_MS, Fleet } from './fleet';
import { Ledger } from './ledger';
import { observeRateLimit } from './rate-limit-check';
import { faultSchedule, type FleetOptions } from './options';
import type { Elapsed } from './processes';
import { Traffic } from './traffic';

/**
 * How long a run may go on after its planned end before it is aborted: a few minutes, and one
 * more per fault (a fault waits up to a minute longer when an instance never recovers).
 */
function overtimeMs(options: FleetOptions): number {
  return (3 + faultSchedule(options).length) * 60_000;
}

export interface FleetRun {
  readonly options: FleetOptions;
  readonly startedAt: Date;
  readonly runDir: string;
  /** Elapsed ms when the load started and ended. */
  readonly loadStartedAt: number;
  readonly loadEndedAt: number;
  readonly bootMs: readonly number[];
  readonly starts: Fleet['starts'];
  readonly figures: FleetFigures;
  readonly checks: readonly Check[];
  readonly ok: boolean;
  /** The instances' log files (kept when a check failed). */
  readonly logs: readonly string[];
}

export interface RunSettings {
  /** Where the service is built (inside the project, so node_modules resolve). */
  readonly distDir: string;
  readonly root: string;
  readonly log: (message: string) => void;
  /** Aborts the run (its processes are stopped, its folder kept). */
  readonly signal?: AbortSignal;
}

export async function runFleet(options: FleetOptions, settings: RunSettings): Promise<FleetRun> {
  const { log } = settings;
  const startedAt = new Date();
  const t0 = performance.now();
  const elapsed: Elapsed = () => performance.now() - t0;

  if (options.skipBuild) {
    log(`reusing the service build in ${settings.distDir}`);
  } else {
    log(`building the service into ${settings.distDir}`);
    buildService(settings.root, settings.distDir);
  }

  const runDir = mkdtempSync(join(tmpdir(), 'proofgate-fleet-'));
  log(`run folder (database file, instance logs): ${runDir}`);
  const logout = new LogoutTraffic(elapsed);
  const rpClients = await logout.startReceivers();
  const fleet = await Fleet.start(
    settings.distDir,
    runDir,
    elapsed,
    options.instanceWorkers,
    options.gcSampleMs > 0,
    { OAUTH_CLIENTS: rpClients },
  ).catch(async (error: unknown) => {
    await logout.close();
    throw error;
  });
  const client = new FleetClient(fleet.origins, options.inFlight, elapsed);
  const ledger = new Ledger();
  const traffic = new Traffic(client, ledger, elapsed);
  const device = new DeviceTraffic(client, traffic, ledger, elapsed);
  const records: FaultRecord[] = [];
  let keepRunDir = true;
  // A fleet that never recovers must not hang the caller: past the deadline, or when the caller
  // aborts (Ctrl-C), every request fails at once and the run unwinds through its clean-up.
  const halt = new AbortController();
  let abortedBecause = '';
  const abort = (why: string) => {
    if (halt.signal.aborted) return;
    abortedBecause = why;
    log(`${why}: stopping`);
    halt.abort();
    void client.close();
  };
  const watchdog = setTimeout(
    () =>
      abort(`still running ${overtimeMs(options) / 60_000} min after the load should have ended`),
    options.seconds * 1000 + overtimeMs(options),
  );
  const faults = new FaultRunner(fleet, client, traffic, elapsed, options, halt.signal);
  const onInterrupt = () => abort('interrupted');
  if (settings.signal?.aborted) onInterrupt();
  settings.signal?.addEventListener('abort', onInterrupt, { once: true });
  try {
    const bootMs = fleet.starts.map((s) => s.readyAt - s.spawnedAt);
    log(
      `database on port ${fleet.database.port}; instances on ${fleet.instances.map((i) => i.port).join(', ')} ` +
        `(WORKERS ${options.instanceWorkers.join(', ')}) ` +
        `(ready in ${bootMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s)`,
    );

    const rateLimit = await observeRateLimit(client);
    log(
      `login limit ${rateLimit.limit}/min per IP: ${rateLimit.sent} attempts over the fleet, ` +
        `${rateLimit.refusedFleetWide} refused; one instance alone refused after ${rateLimit.acceptedByControlBefore429}`,
    );
    await traffic.login(0);
    await device.register();
    const jwksAtStart = await faults.jwks();

    fleet.startSampling(options.sampleMs, options.gcSampleMs);
    const loadStartedAt = elapsed();
    traffic.start(options.loops, options.scenariosPerSecond);
    device.start(options.deviceLoops);
    logout.start(options.logoutLoops, {
      client,
      traffic,
      ledger,
      pids: () => fleet.instances.map((instance) => instance.processes()),
    });
    log(
      `load: ${options.loops} loops, at most ${options.inFlight} requests in flight, ` +
        (options.scenariosPerSecond > 0
          ? `${options.scenariosPerSecond} scenarios a second`
          : 'unpaced'),
    );

    let killed = false;
    for (const fault of faultSchedule(options)) {
      const due = loadStartedAt + fault.atSeconds * 1000;
      // Before the first kill, sessions are ended at the victim, whose poller claims their
      // deliveries at once: logout tokens are in flight from it when it dies (the slow RP).
      const firstKill = fault.kind === 'instance-kill' && !killed;
      if (firstKill && fault.victim !== undefined) logout.endSessionsAt(fault.victim);
      if (elapsed() < due) await sleep(due - elapsed(), undefined, { signal: halt.signal });
      let hooks: KillHooks | undefined;
      if (firstKill && fault.victim !== undefined) {
        killed = true;
        if (elapsed() - due < LOGOUT_LEAD_MS) {
          await sleep(LOGOUT_LEAD_MS, undefined, { signal: halt.signal });
        }
        const victim = fault.victim;
        // The kill waits for a logout token on its way from the victim to the slow RP.
        hooks = {
          ready: () => logout.deliveryInFlightFrom(victim),
          readyWithinMs: LOGOUT_READY_WITHIN_MS,
          hold: () => logout.holdUntilKill(),
          killed: (at, pids) => {
            logout.killedTarget(pids);
            logout.endSessionsUntil(at + LOGOUT_AFTER_KILL_MS);
          },
        };
      }
      log(
        `fault: ${fault.kind}${fault.victim === undefined ? '' : ` of instance ${fault.victim}`}`,
      );
      const record = await faults.run(fault.kind, due, fault.victim, hooks);
      records.push(record);
      log(
        `  recovered: ${record.recoveryMs.map((ms) => (ms === null ? '–' : `${(ms / 1000).toFixed(2)} s`)).join(', ')} ` +
          `after ${record.recoveryFromLabel}; held challenges ${record.held.codesRedeemed + record.held.noncesRedeemed}/` +
          `${record.held.codes + record.held.nonces}; families ${record.families.alive}/${record.families.checked}`,
      );
      if (hooks && record.kill) {
        const { decidedBy, readyBefore, burst, cut } = record.kill;
        log(
          `  kill at +${(record.kill.killedAt / 1000).toFixed(1)} s: ` +
            `a held logout token from the victim ${readyBefore?.held ? 'seen' : 'not seen'} ` +
            `after ${((readyBefore?.waitedMs ?? 0) / 1000).toFixed(1)} s; decided by ${decidedBy} ` +
            `after ${burst} exchanges sent, ${cut} cut`,
        );
      }
    }
    const tail = (options.faultIntervalSeconds * 1000) / 2;
    const end = Math.max(loadStartedAt + options.seconds * 1000, elapsed() + tail);
    if (elapsed() < end) await sleep(end - elapsed(), undefined, { signal: halt.signal });
    await Promise.all([traffic.stop(), device.stop(), logout.stop()]);
    const loadEndedAt = elapsed();
    fleet.stopSampling();
    log(`load stopped after ${((loadEndedAt - loadStartedAt) / 1000).toFixed(0)} s`);
    const finalSweep = await faults.sweepFamilies();
    const jwksAtEnd = await faults.jwks();
    log(`final check: families ${finalSweep.alive}/${finalSweep.checked}`);
    // A delivery leased by an instance killed mid-attempt is retried once its lease runs out.
    await logout.settle(BACKCHANNEL_LOGOUT_TIMEOUT_MS + 40_000);
    await logout.tryRefreshTokens();
    logout.settleCuts();
    const killRecord = records.find((r) => r.kind === 'instance-kill');
    const killedAt = killRecord?.kill?.killedAt ?? NaN;
    const sent = logout.sentBy(killRecord?.victim ?? -1);
    const near = (at: number) => Math.abs(at - killedAt) < 3000;
    log(
      `logout: ${logout.sessions.length} sessions ended (last at +${((logout.sessions.at(-1)?.endedAt ?? 0) / 1000).toFixed(1)} s; ` +
        `${logout.sessions.filter((s) => near(s.endedAt)).length} within 3 s of the kill at +${(killedAt / 1000).toFixed(1)} s, ` +
        `${logout.sessions.filter((s) => s.cutTries > 0).length} after a logout request cut by it), ` +
        `${logout.received.length} logout tokens received (${logout.received.filter((r) => near(r.at)).length} within 3 s of the kill, ` +
        `${logout.received.filter((r) => r.cut).length} cut mid-delivery; of the tokens of sessions ended at the victim, ` +
        `${sent.itself} sent by it, ${sent.others} by another instance, ${sent.unknown} by one not told); ` +
        logout.heldAccount(killedAt),
    );

    const figures: FleetFigures = {
      instanceWorkers: options.instanceWorkers,
      faults: records,
      attempts: client.attempts,
      codes: ledger.summarize(ledger.codes),
      nonces: ledger.summarize(ledger.nonces),
      refresh: ledger.summarizeRefresh(),
      counts: { ...ledger.counts },
      kids: ledger.kids,
      unexpected: ledger.unexpected,
      unexpectedCount: ledger.unexpectedCount,
      harnessFailures: traffic.failures,
      endedFamilies: traffic.endedFamilies.map(({ id, fate, history }) => ({
        id,
        ...(fate ? { fate } : {}),
        history: [...history],
      })),
      jwksAtStart,
      jwksAtEnd,
      memory: fleet.memory,
      memoryAfterGc: fleet.memoryAfterGc,
      loadStartedAt,
      warmupMs: options.warmupSeconds * 1000,
      rateLimit,
      device: device.flows,
      logout: { sessions: logout.sessions, received: logout.received },
    };
    const checks = fleetChecks(figures);
    const ok = checks.every((check) => check.ok);
    keepRunDir = !ok;
    return {
      options,
      startedAt,
      runDir,
      loadStartedAt,
      loadEndedAt,
      bootMs,
      starts: fleet.starts,
      figures,
      checks,
      ok,
      logs: fleet.instances.map((_, slot) => join(runDir, `instance-${slot}.log`)),
    };
  } catch (error) {
    if (halt.signal.aborted) throw new Error(`run aborted (${abortedBecause}); logs in ${runDir}`);
    throw error;
  } finally {
    clearTimeout(watchdog);
    settings.signal?.removeEventListener('abort', onInterrupt);
    const stopped = Promise.all([traffic.stop(), device.stop(), logout.stop()]);
    await client.close();
    await stopped;
    await fleet.close();
    await logout.close();
    if (!keepRunDir) rmSync(runDir, { recursive: true, force: true });
  }
}
