import {
  FLEET_DEFAULTS,
  SOAK_DEFAULTS,
  commandLine,
  faultSchedule,
  parseOptions,
} from '../../tools/fleet/options';

describe('fleet options', () => {
  it('defaults to the short CI profile, and --soak to the soak', () => {
    expect(parseOptions([])).toEqual(FLEET_DEFAULTS);
    expect(commandLine(parseOptions([]))).toBe('npm run fleet');
    const soak = parseOptions(['--soak', '--minutes', '3']);
    expect(soak).toMatchObject({ mode: 'soak', seconds: 180, out: SOAK_DEFAULTS.out });
    expect(commandLine(soak)).toBe('npm run soak -- --minutes 3');
  });

  it('refuses options of the other profile and bad values', () => {
    expect(() => parseOptions(['--minutes', '3'])).toThrow(/--minutes is for `npm run soak`/);
    expect(() => parseOptions(['--soak', '--seconds', '90'])).toThrow(/--seconds is for/);
    expect(() => parseOptions(['--soak', '--minutes', '1'])).toThrow(/from 2 to/);
    expect(() => parseOptions(['--workers', '0'])).toThrow(/--workers/);
    expect(() => parseOptions(['--frobnicate'])).toThrow(/unknown option --frobnicate/);
  });

  it('prints back the options that differ from the profile', () => {
    const options = parseOptions(['--soak', '--minutes', '10', '--in-flight', '20', '--out', '-']);
    expect(commandLine(options)).toBe('npm run soak -- --minutes 10 --in-flight 20 --out -');
    // The fleet profile is paced, the soak is not; --rate 0 takes the pacing off.
    expect([FLEET_DEFAULTS.scenariosPerSecond, SOAK_DEFAULTS.scenariosPerSecond]).toEqual([15, 0]);
    const unpaced = parseOptions(['--rate', '0']);
    expect(unpaced.scenariosPerSecond).toBe(0);
    expect(commandLine(unpaced)).toBe('npm run fleet -- --rate 0');
  });
});

describe('fault schedule', () => {
  it('CI profile: one fault of each kind, the fleet restart last', () => {
    expect(faultSchedule(FLEET_DEFAULTS)).toEqual([
      { atSeconds: 20, kind: 'database-outage' },
      { atSeconds: 40, kind: 'instance-kill', victim: 1 },
      { atSeconds: 60, kind: 'fleet-restart' },
    ]);
  });

  it('soak: outages and kills in turn every minute, never killing instance 0', () => {
    const schedule = faultSchedule(parseOptions(['--soak', '--minutes', '10']));
    expect(schedule.map((f) => f.atSeconds)).toEqual([60, 120, 180, 240, 300, 360, 420, 480, 540]);
    expect(schedule.map((f) => f.kind)).toEqual([
      'database-outage',
      'instance-kill',
      'database-outage',
      'instance-kill',
      'database-outage',
      'instance-kill',
      'database-outage',
      'instance-kill',
      'fleet-restart',
    ]);
    expect(schedule.filter((f) => f.victim !== undefined).map((f) => f.victim)).toEqual([
      1, 2, 1, 2,
    ]);
  });

  it('a short soak still gets one fault of each kind', () => {
    const schedule = faultSchedule(parseOptions(['--soak', '--minutes', '3']));
    expect(schedule).toEqual([
      { atSeconds: 45, kind: 'database-outage' },
      { atSeconds: 90, kind: 'instance-kill', victim: 1 },
      { atSeconds: 135, kind: 'fleet-restart' },
    ]);
  });
});
