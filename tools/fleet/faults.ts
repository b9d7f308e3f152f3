/**
 * The faults, each made while the traffic runs, and what is checked after each: the challenges
 * issued before it are still redeemable, every followed refresh family still rotates, and every
 * instance publishes the same signing key. The kills (an instance's process, or one worker of an
 * instance of several) come mid-redemption.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MintedCode } from '../../bench/lib/pkce';
import type { FleetClient } from './client';
import type { Fleet } from './fleet';
import type { FaultKind } from './options';
import { processGone, type Elapsed, type FleetInstance } from './processes';
import { connectionsHeld } from './socket-owner';
import type { RedemptionOutcome, SignedNonce, Traffic } from './traffic';

/** Challenges issued before a fault, redeemed after it. */
const HELD_CHALLENGES = 3;
/**
 * The kill: this many loops exchange codes at the victim without pause, and once it has answered
 * KILL_AFTER_ANSWERS of them it is killed, so that several exchanges are in flight, some inside
 * their redemption. A one-shot burst is not enough: a quiet machine answers all of it at once.
 */
export const KILL_LOOPS = 8;
const KILL_CODES = 64;
const KILL_AFTER_ANSWERS = 6;
/**
 * What else a kill should cut (the logout traffic's deliveries from the victim): the kill waits
 * at most `readyWithinMs` for `ready` before its burst of exchanges, and prefers a moment when it
 * still holds; `hold` is told once `ready` held before the burst, and when the kill starts (what
 * made `ready` hold must then stay until the victim is gone); `killed` is told when the victim is
 * gone, with every process it had.
 */
export type KillDecision = 'ready' | 'answers' | 'running-out' | 'time-cap' | 'halt';

export interface KillHooks {
  readonly ready: () => boolean;
  readonly readyWithinMs: number;
  readonly hold: () => void;
  readonly killed: (killedAt: number, pids: readonly number[]) => void;
}
/**
 * How long a kill holds the victim's processes stopped before it kills: long enough for every
 * loop to have sent its next request, short beside the client's patience.
 */
const WORKER_FREEZE_MS = 200;
/** How long a killed worker's replacement is given to serve (1 s of the primary's wait, then a start: as long as a start). */
const REPLACEMENT_PATIENCE_MS = 120_000;
/** Refresh families checked concurrently after a fault. */
const SWEEP_CONCURRENCY = 3;
/** A fault waits this long at most for every instance to answer 200 again. */
const RECOVERY_PATIENCE_MS = 30_000;
/** How long an instance is given to serve its JWKS after a fault. */
const JWKS_PATIENCE_MS = 15_000;

export interface FaultRecord {
  readonly kind: FaultKind;
  readonly victim?: number;
  readonly scheduledAt: number;
  readonly startedAt: number;
  /** The database outage: from the server's exit to its restart (listening again). */
  readonly outage?: {
    readonly stoppedAt: number;
    /** When the server was started again (it listens from `backAt`). */
    readonly restartedAt: number;
    readonly backAt: number;
  };
  /**
   * A kill (an instance's, or one of its workers'): when the process was gone, and what the code
   * exchanges sent to the instance became.
   */
  readonly kill?: {
    readonly killedAt: number;
    /** Code exchanges sent to the victim (KILL_LOOPS at a time) until it was killed. */
    readonly burst: number;
    /** Of those, answered by the victim before it died. */
    readonly answeredBeforeKill: number;
    /** Of those, cut by the kill and retried on another instance. */
    readonly cut: number;
    /** Of those, refused as "already used": the victim had redeemed them, unseen. */
    readonly redeemedUnseen: number;
    /** Of those, redeemed by the retry. */
    readonly redeemedOnRetry: number;
    /**
     * What made the kill due: `ready` (the hook's condition held), `answers` (enough answers
     * without it), `running-out` (of codes), `time-cap`, or `halt` (the run was stopped).
     */
    readonly decidedBy: KillDecision;
    /** With a hook: whether its condition held before the burst, and how long that took (ms). */
    readonly readyBefore?: { readonly held: boolean; readonly waitedMs: number };
    /** The instance's workers when it was killed (instance-kill of an instance of several). */
    readonly workers?: readonly number[];
    /** Of those, still running ORPHAN_PATIENCE_MS after their primary died (then killed). */
    readonly orphans?: readonly number[];
  };
  /** The worker kill: which worker, and the one the primary started in its place. */
  readonly worker?: {
    readonly pid: number;
    /** Connections of the harness the worker held when it was killed (how it was chosen). */
    readonly connections: number;
    /** The primary logged its exit ("Worker … (pid …) exited (signal SIGKILL); starting another"). */
    readonly logged: boolean;
    /** The replacement, and when it first served a request (elapsed ms); absent if none in time. */
    readonly replacement?: { readonly pid: number; readonly servingAt: number };
    /** The instance's workers once replaced (the survivors and the replacement). */
    readonly workersAfter: number;
  };
  /** The moment recovery is measured from (database back, instance or fleet started again). */
  readonly recoveryFrom: number;
  readonly recoveryFromLabel: string;
  /** Per instance, ms from `recoveryFrom` to its first 200 (null: none within the patience). */
  readonly recoveryMs: readonly (number | null)[];
  /** Per restarted instance: ms from spawn to /health 200. */
  readonly bootMs: readonly number[];
  /** The fleet restart: per instance, how long it took to exit after SIGTERM, and whether it had to be killed. */
  readonly stops?: readonly { readonly ms: number; readonly forced: boolean }[];
  /**
   * Codes and nonces redeemed during the fault whose answer never reached the client (cut, or
   * 503), refused as "already used" on retry: a login lost, though never a double redemption.
   */
  readonly redeemedUnseen: number;
  readonly endedAt: number;
  readonly held: {
    readonly codes: number;
    readonly codesRedeemed: number;
    readonly nonces: number;
    readonly noncesRedeemed: number;
  };
  readonly families: { readonly checked: number; readonly alive: number };
  /** Each instance's JWKS after the fault, as `alg:kid` (null: it served none). */
  readonly jwks: readonly (readonly string[] | null)[];
}

export class FaultRunner {
  constructor(
    private readonly fleet: Fleet,
    private readonly client: FleetClient,
    private readonly traffic: Traffic,
    private readonly elapsed: Elapsed,
    private readonly settings: { outageSeconds: number; killDownSeconds: number },
    /** Ends every wait of a fault at once (the run is being aborted). */
    private readonly signal: AbortSignal,
  ) {}

  async run(
    kind: FaultKind,
    scheduledAt: number,
    victim?: number,
    hooks?: KillHooks,
  ): Promise<FaultRecord> {
    const held = await this.hold();
    const startedAt = this.elapsed();
    const unseenBefore = this.unseenRedemptions();
    let measured: Omit<
      FaultRecord,
      'held' | 'families' | 'jwks' | 'endedAt' | 'scheduledAt' | 'startedAt' | 'redeemedUnseen'
    >;
    switch (kind) {
      case 'database-outage':
        measured = await this.databaseOutage();
        break;
      case 'instance-kill':
        measured = await this.instanceKill(victim ?? 1, hooks);
        break;
      case 'worker-kill':
        measured = await this.workerKill(victim ?? 1);
        break;
      case 'fleet-restart':
        measured = await this.fleetRestart();
        break;
    }
    const redeemedUnseen = this.unseenRedemptions() - unseenBefore;
    const redeemed = await this.redeemHeld(held);
    const families = await this.sweepFamilies();
    const jwks = await this.jwks();
    return {
      ...measured,
      scheduledAt,
      startedAt,
      endedAt: this.elapsed(),
      redeemedUnseen,
      held: redeemed,
      families,
      jwks,
    };
  }

  /**
   * Each instance's published keys as `alg:kid`, read from that instance itself, retried while it answers 503;
   * null for an instance that gave no JWKS within JWKS_PATIENCE_MS (one that is stuck: the
   * recovery check reports it).
   */
  async jwks(): Promise<(string[] | null)[]> {
    return Promise.all(
      this.fleet.instances.map(async (_, instance) => {
        const deadline = this.elapsed() + JWKS_PATIENCE_MS;
        while (this.elapsed() < deadline) {
          const res = await this.client.send(
            'jwks',
            { method: 'GET', path: '/jwks.json' },
            { instance },
          );
          const keys = res.json?.keys;
          if (res.status === 200 && Array.isArray(keys)) {
            return keys
              .map((key: unknown) => {
                const { alg, kid } = key as { alg?: unknown; kid?: unknown };
                return `${String(alg)}:${String(kid)}`;
              })
              .sort();
          }
          await sleep(300, undefined, { signal: this.signal });
        }
        return null;
      }),
    );
  }

  /** Refreshes every followed family once: each must still rotate after the fault. */
  async sweepFamilies(): Promise<{ checked: number; alive: number }> {
    const families = [...this.traffic.families];
    let alive = 0;
    let next = 0;
    await Promise.all(
      Array.from({ length: SWEEP_CONCURRENCY }, async () => {
        for (let i = next++; i < families.length; i = next++) {
          if (await this.traffic.refresh(families[i])) alive++;
        }
      }),
    );
    return { checked: families.length, alive };
  }

  private async hold(): Promise<{ codes: MintedCode[]; nonces: SignedNonce[] }> {
    const codes: MintedCode[] = [];
    const nonces: SignedNonce[] = [];
    for (let i = 0; i < HELD_CHALLENGES; i++) {
      codes.push(await this.traffic.mintCode());
      nonces.push(await this.traffic.signedNonce());
    }
    return { codes, nonces };
  }

  private async redeemHeld(held: { codes: MintedCode[]; nonces: SignedNonce[] }) {
    const codes = await Promise.all(held.codes.map((code) => this.traffic.exchange(code, 1)));
    const nonces = await Promise.all(held.nonces.map((nonce) => this.traffic.verify(nonce, 1)));
    return {
      codes: held.codes.length,
      codesRedeemed: codes.filter((outcome) => outcome.ok === 1).length,
      nonces: held.nonces.length,
      noncesRedeemed: nonces.filter((outcome) => outcome.ok === 1).length,
    };
  }

  private async databaseOutage() {
    const scanFrom = this.client.attempts.length;
    const stoppedAt = await this.fleet.database.stop();
    await sleep(this.settings.outageSeconds * 1000, undefined, { signal: this.signal });
    const restartedAt = this.elapsed();
    const backAt = await this.fleet.database.start();
    const recoveryMs = await this.recovery(backAt, [0, 1, 2], scanFrom);
    return {
      kind: 'database-outage' as const,
      outage: { stoppedAt, restartedAt, backAt },
      recoveryFrom: backAt,
      recoveryFromLabel: 'database listening again',
      recoveryMs,
      bootMs: [],
    };
  }

  private async instanceKill(victim: number, hooks?: KillHooks) {
    const instance = this.fleet.instances[victim];
    const scanFrom = this.client.attempts.length;
    let killed: Awaited<ReturnType<FleetInstance['kill']>> | undefined;
    const burst = await this.burstThenKill(
      victim,
      async (stopSending) => {
        // Stopped first, as a worker kill does: no exchange in flight finishes before the kill,
        // and each loop's next request waits inside the instance too. Unstopped, a fast machine
        // answered every one in the moment between the decision and the signal (0 cut).
        hooks?.hold();
        const processes = instance.processes();
        for (const pid of processes) process.kill(pid, 'SIGSTOP');
        await sleep(WORKER_FREEZE_MS);
        stopSending();
        killed = await instance.kill(processes.slice(1));
        hooks?.killed(killed.at, killed.pids);
        return killed.at;
      },
      hooks,
    );
    const downFor = this.settings.killDownSeconds * 1000 - (this.elapsed() - burst.killedAt);
    await sleep(Math.max(0, downFor), undefined, { signal: this.signal });
    const started = await this.fleet.startInstance(instance);
    const recoveryMs = await this.recovery(started.spawnedAt, [victim], scanFrom);
    const workers = killed?.pids.slice(1) ?? [];
    return {
      kind: 'instance-kill' as const,
      victim,
      kill: {
        ...burst,
        ...(workers.length > 0 ? { workers, orphans: killed?.orphans ?? [] } : {}),
      },
      recoveryFrom: started.spawnedAt,
      recoveryFromLabel: 'killed instance started again',
      recoveryMs: [0, 1, 2].map((slot) => (slot === victim ? recoveryMs[0] : null)),
      bootMs: [started.readyAt - started.spawnedAt],
    };
  }

  /**
   * One worker of `victim` SIGKILLed mid-redemption, not its primary. Its workers are stopped
   * (SIGSTOP) first, so that no exchange in flight finishes before the kill: the loops' requests
   * freeze inside a worker or wait unread in its socket. The one holding the most unread requests
   * (else the most connections) is killed, which cuts them; the others continue. The instance
   * answers meanwhile from its other workers; the primary logs the death and starts a replacement,
   * which must serve.
   */
  private async workerKill(victim: number) {
    const instance = this.fleet.instances[victim];
    const scanFrom = this.client.attempts.length;
    const before = instance.workerPids();
    let chosen = { pid: before[0] ?? -1, connections: 0 };
    const burst = await this.burstThenKill(victim, async (stopSending) => {
      const workers = instance.workerPids();
      for (const pid of workers) process.kill(pid, 'SIGSTOP');
      try {
        // Each loop sends once more and waits: its request is now inside a stopped worker too.
        await sleep(WORKER_FREEZE_MS);
        stopSending();
        const unread = connectionsHeld(instance.port, workers, { unreadOnly: true });
        const held = connectionsHeld(instance.port, workers);
        const count = (of: Map<number, number>, pid: number) => of.get(pid) ?? 0;
        const [pid = chosen.pid] = [...workers].sort(
          (a, b) => count(unread, b) - count(unread, a) || count(held, b) - count(held, a),
        );
        chosen = { pid, connections: held.get(pid) ?? 0 };
        return await instance.killWorker(chosen.pid);
      } finally {
        for (const pid of workers) {
          if (pid !== chosen.pid && !processGone(pid)) process.kill(pid, 'SIGCONT');
        }
      }
    });
    const served = await instance.workersServing(REPLACEMENT_PATIENCE_MS);
    const replacement = [...(served ?? new Map<number, number>())].find(
      ([pid]) => !before.includes(pid),
    );
    const recoveryMs = await this.recovery(burst.killedAt, [victim], scanFrom);
    return {
      kind: 'worker-kill' as const,
      victim,
      kill: burst,
      worker: {
        pid: chosen.pid,
        connections: chosen.connections,
        logged: instance.loggedWorkerExit(chosen.pid),
        ...(replacement ? { replacement: { pid: replacement[0], servingAt: replacement[1] } } : {}),
        workersAfter: instance.workerPids().length,
      },
      recoveryFrom: burst.killedAt,
      recoveryFromLabel: 'worker killed',
      recoveryMs: [0, 1, 2].map((slot) => (slot === victim ? recoveryMs[0] : null)),
      bootMs: replacement ? [replacement[1] - burst.killedAt] : [],
    };
  }

  /**
   * KILL_LOOPS loops exchange codes at `victim` without pause until `kill` is judged due, then
   * `kill` runs (and resolves when its process is gone) while the others' exchanges are in
   * flight; the cut ones are retried elsewhere by the client. The loops send no more once `kill`
   * calls `stopSending`, or it ends.
   */
  private async burstThenKill(
    victim: number,
    kill: (stopSending: () => void) => Promise<number>,
    hooks?: KillHooks,
  ): Promise<NonNullable<FaultRecord['kill']>> {
    const codes = await this.mintMany(KILL_CODES);
    const ready = hooks?.ready ?? (() => true);
    const waitFrom = this.elapsed();
    const readyBefore = hooks && {
      held: await this.waitFor(ready, hooks.readyWithinMs),
      waitedMs: this.elapsed() - waitFrom,
    };
    if (readyBefore?.held) hooks?.hold();
    let killing = false;
    let next = 0;
    const outcomes: RedemptionOutcome[] = [];
    // Decided as each answer arrives, not by polling: the other loops' exchanges are then in
    // flight. Prefer a moment when `ready` still holds, but not past a few more answers, and never
    // so late that the loops run out of codes (a fast machine answers dozens within one poll).
    let decidedBy: KillDecision | undefined;
    let signalKill: (why: KillDecision) => void = () => undefined;
    const killNow = new Promise<void>(
      (resolve) =>
        (signalKill = (why) => {
          decidedBy ??= why;
          resolve();
        }),
    );
    const judge = () => {
      const answered = outcomes.length;
      if (codes.length - next < KILL_LOOPS) signalKill('running-out');
      else if (answered >= KILL_AFTER_ANSWERS && ready()) signalKill('ready');
      else if (answered >= 3 * KILL_AFTER_ANSWERS) signalKill('answers');
    };
    const loops = Array.from({ length: KILL_LOOPS }, async () => {
      while (!killing && next < codes.length) {
        outcomes.push(await this.traffic.exchange(codes[next++], 1, victim));
        if (!killing) judge();
      }
    });
    const cap = setTimeout(() => signalKill('time-cap'), 10_000);
    const halt = () => signalKill('halt');
    this.signal.addEventListener('abort', halt, { once: true });
    await killNow;
    clearTimeout(cap);
    this.signal.removeEventListener('abort', halt);
    const stopSending = () => (killing = true);
    const killedAt = await kill(stopSending);
    stopSending();
    await Promise.all(loops);
    const cut = outcomes.filter((o) => o.lost);
    return {
      killedAt,
      burst: outcomes.length,
      answeredBeforeKill: outcomes.length - cut.length,
      cut: cut.length,
      redeemedUnseen: cut.filter((o) => o.redeemedUnseen).length,
      redeemedOnRetry: cut.filter((o) => o.ok === 1).length,
      decidedBy: decidedBy ?? 'halt',
      ...(readyBefore ? { readyBefore } : {}),
    };
  }

  /** `n` codes, minted four at a time. */
  private async mintMany(n: number): Promise<MintedCode[]> {
    const codes: MintedCode[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (codes.length < n) codes.push(await this.traffic.mintCode());
      }),
    );
    return codes.slice(0, n);
  }

  private async fleetRestart() {
    const instances = this.fleet.instances;
    const scanFrom = this.client.attempts.length;
    const stops = await Promise.all(instances.map((instance) => instance.stop()));
    const spawnFrom = this.elapsed();
    const started = await Promise.all(instances.map((i) => this.fleet.startInstance(i)));
    const recoveryMs = await this.recovery(spawnFrom, [0, 1, 2], scanFrom);
    return {
      kind: 'fleet-restart' as const,
      stops: stops.map((stop) => ({ ms: stop.exitedAt - stop.requestedAt, forced: stop.forced })),
      recoveryFrom: spawnFrom,
      recoveryFromLabel: 'instances started again',
      recoveryMs,
      bootMs: started.map((s) => s.readyAt - s.spawnedAt),
    };
  }

  private unseenRedemptions(): number {
    const counts = this.traffic.ledgerCounts;
    return counts.codesRedeemedUnseen + counts.noncesRedeemedUnseen;
  }

  /**
   * Per listed instance: ms from `from` to the first 200 it answered after `from`. Attempts are
   * recorded as they end, so only those after `scanFrom` (an index taken before the fault) count.
   */
  private async recovery(
    from: number,
    slots: number[],
    scanFrom: number,
  ): Promise<(number | null)[]> {
    const attempts = this.client.attempts;
    const firstOk = (slot: number) => {
      for (let i = scanFrom; i < attempts.length; i++) {
        const a = attempts[i];
        if (a.instance === slot && a.status === 200 && a.endedAt >= from) return a;
      }
      return undefined;
    };
    await this.waitFor(
      () => slots.every((slot) => firstOk(slot) !== undefined),
      RECOVERY_PATIENCE_MS,
    );
    return slots.map((slot) => {
      const attempt = firstOk(slot);
      return attempt ? attempt.endedAt - from : null;
    });
  }

  private async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = this.elapsed() + timeoutMs;
    while (!done()) {
      if (this.elapsed() > deadline) return false;
      await sleep(50, undefined, { signal: this.signal });
    }
    return true;
  }
}
