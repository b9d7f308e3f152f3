/**
 * A fleet under faults (tools/fleet, the `npm run fleet` profile): three Proofgate instances built
 * from src/ on one database server (H2 file), a mixed fleet (instance 1 with WORKERS=2, the others
 * one process), mixed traffic spread round robin (device-code polling and login sessions ended
 * with back-channel logout to two loopback RPs included), and while it runs the database stopped
 * for 10 s and restarted on the same port, one worker of instance 1 SIGKILLed mid-redemption and
 * replaced by its primary, then instance 1 itself SIGKILLed mid-redemption and mid-delivery and
 * restarted, then every instance restarted. Three to four minutes.
 */
import { join } from 'node:path';
import {
  answerClass,
  deviceSummary,
  logoutSummary,
  memorySegments,
  outageAnswers,
} from '../../../tools/fleet/checks';
import { LOGIN_LIMIT } from '../../../tools/fleet/fleet';
import { runFleet, type FleetRun } from '../../../tools/fleet/harness';
import { FLEET_DEFAULTS } from '../../../tools/fleet/options';
import { sharedBuild } from '../../support/build';

const ROOT = join(__dirname, '..', '..', '..');

describe('a fleet of three instances on one database, under faults', () => {
  let run: FleetRun;

  beforeAll(async () => {
    // A green run is quiet: the harness's account of the run is printed only when a check fails.
    const account: string[] = [];
    // The build the other specs run (`npm run fleet` builds into dist-fleet/ of its own).
    run = await runFleet(
      { ...FLEET_DEFAULTS, skipBuild: true },
      {
        distDir: await sharedBuild(),
        root: ROOT,
        log: (message) => account.push(`[fleet] ${message}\n`),
      },
    );
    if (!run.ok) {
      process.stderr.write(account.join(''));
      process.stderr.write(`[fleet] instance logs kept in ${run.runDir}\n`);
    }
  }, 10 * 60_000);

  const check = (id: string) => {
    const found = run.checks.find((c) => c.id === id);
    if (!found) throw new Error(`no check ${id}`);
    // The measured detail travels with the verdict, so a failure shows what was seen.
    return { ok: found.ok, detail: found.detail };
  };
  const passes = (id: string) => expect(check(id)).toEqual({ ok: true, detail: check(id).detail });

  it('redeems no code, nonce or refresh token twice, whatever the faults', () => {
    const { codes, nonces, refresh, counts } = run.figures;
    expect(counts.codeReplayGroups).toBeGreaterThan(0);
    expect(counts.siweReplayGroups).toBeGreaterThan(0);
    expect(counts.refreshDuplicates).toBeGreaterThan(0);
    // RFC 9449: DPoP-bound families under the same faults (any surprise fails the run's checks).
    expect(counts.dpopExchanges).toBeGreaterThan(0);
    expect(counts.dpopRefreshes).toBeGreaterThan(0);
    expect(counts.dpopMeCalls).toBeGreaterThan(0);
    expect(codes.maxOk).toBe(1);
    expect(nonces.maxOk).toBe(1);
    // Concurrent duplicates of a refresh get the SAME successor (grace window): one redemption.
    expect(refresh.maxSuccessors).toBe(1);
    expect([codes.redeemedTwice, nonces.redeemedTwice, refresh.forked]).toEqual([0, 0, 0]);
  });

  it('answers 503 temporarily_unavailable, and nothing else, while the database is down', () => {
    const outages = run.figures.faults.filter((f) => f.kind === 'database-outage');
    expect(outages).toHaveLength(1);
    const answers = outageAnswers(run.figures.attempts, outages[0]);
    expect(answers.length).toBeGreaterThan(0);
    expect([...new Set(answers.map(answerClass))]).toEqual(['503 temporarily_unavailable']);
  });

  it('never answers a 5xx other than 503 temporarily_unavailable, not even as the database goes', () => {
    passes('no-other-5xx');
  });

  it("leaves no request hanging past the client's own time limit, whatever the faults", () => {
    passes('no-timeouts');
  });

  it('answers 200 on every instance within 5 s of the database coming back', () => {
    const [outage] = run.figures.faults.filter((f) => f.kind === 'database-outage');
    expect(outage.outage!.backAt - outage.outage!.stoppedAt).toBeGreaterThanOrEqual(10_000);
    for (const ms of outage.recoveryMs) {
      expect(ms).not.toBeNull();
      expect(ms).toBeLessThanOrEqual(5000);
    }
  });

  it('signs with one key per alg, published by every instance, across every restart', () => {
    passes('signing-key');
  });

  it('keeps live challenges and refresh families across the outage and the restarts', () => {
    passes('challenges-survive');
    passes('families-survive');
  });

  it('answers every request as the protocol allows', () => {
    expect(run.figures.unexpected).toEqual([]);
    expect(run.figures.harnessFailures).toEqual([]);
  });

  it('kills an instance while it redeems: requests cut, none redeemed twice', () => {
    const [kill] = run.figures.faults.filter((f) => f.kind === 'instance-kill');
    expect(kill.kill!.cut).toBeGreaterThan(0);
    expect(kill.recoveryMs[kill.victim!]).not.toBeNull();
    // The victim is the instance of two workers: both ended with their primary.
    expect(kill.kill!.workers).toHaveLength(2);
    expect(kill.kill!.orphans).toEqual([]);
  });

  it('kills one worker while it redeems: requests cut, the worker logged and replaced, none redeemed twice', () => {
    const [kill] = run.figures.faults.filter((f) => f.kind === 'worker-kill');
    expect(run.options.instanceWorkers[kill.victim!]).toBe(2);
    expect(kill.kill!.cut).toBeGreaterThan(0);
    expect(kill.worker!.logged).toBe(true);
    expect(kill.worker!.replacement?.pid).not.toBe(kill.worker!.pid);
    expect(kill.worker!.workersAfter).toBe(2);
    // Its instance kept answering (from its other worker) while the replacement started.
    expect(kill.recoveryMs[kill.victim!]).not.toBeNull();
    passes('kill-mid-redemption');
    passes('workers-replaced');
  });

  it('stops every instance gracefully on SIGTERM, under load', () => {
    passes('graceful-stop');
  });

  it('keeps every process flat in memory (end ≤ 1.5 × after warm-up)', () => {
    const segments = memorySegments(
      run.figures.memory,
      run.figures.loadStartedAt,
      run.figures.warmupMs,
    );
    // Instance 0 runs from the start to the fleet restart: always long enough to judge.
    expect(segments.some((s) => s.slot === 0 && s.judged)).toBe(true);
    // Instance 1, a primary and two workers summed, lives until its kill: long enough too.
    expect(segments.some((s) => s.slot === 1 && s.processes === 3 && s.judged)).toBe(true);
    passes('memory-flat');
  });

  it('holds the login limit fleet-wide: N instances, one limit', () => {
    // Counters in MongoDB: attempt limit + 1 is refused wherever it lands, and an instance that
    // saw only its share refuses the same address at once.
    const r = run.figures.rateLimit;
    expect(r.limit).toBe(LOGIN_LIMIT);
    expect(r.sent).toBe(LOGIN_LIMIT + 1);
    expect(r.refusedFleetWide).toBe(1);
    expect(r.acceptedByControlBefore429).toBe(r.perInstance[r.controlInstance]);
    passes('rate-limit-fleet-wide');
  });

  it('redeems each approved device code once, concurrent polls on two instances included', () => {
    const d = deviceSummary(run.figures.device);
    expect(d.approved).toBeGreaterThan(0);
    expect(d.duplicatePairs).toBeGreaterThan(0);
    passes('device-code-once');
  });

  it('answers slow_down to early device-code polls, and only to them', () => {
    const d = deviceSummary(run.figures.device);
    expect(d.earlyPolls).toBeGreaterThan(0);
    passes('device-slow-down');
  });

  it('delivers every logout token at least once, through an instance killed mid-delivery, and revokes the sessions', () => {
    const l = logoutSummary(run.figures.logout);
    expect(l.sessions).toBeGreaterThan(0);
    expect(l.missing).toEqual([]);
    expect(l.cut).toBeGreaterThan(0);
    expect(l.refreshTried).toBe(l.refreshRefused);
    passes('logout-delivered');
    passes('logout-after-kill');
    passes('logout-revokes');
  });
});
