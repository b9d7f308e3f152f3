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
    expect(() => parseOptions(['--loops', '0'])).toThrow(/--loops/);
    expect(() => parseOptions(['--workers', '0'])).toThrow(/--workers/);
    expect(() => parseOptions(['--workers', '1,2'])).toThrow(/one number or 3/);
    expect(() => parseOptions(['--workers', '2,x,1'])).toThrow(/list of integers/);
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

describe('instance workers', () => {
  it('a mixed fleet by default: instance 1 of two workers; one number sets all, three each', () => {
    expect(FLEET_DEFAULTS.instanceWorkers).toEqual([1, 2, 1]);
    expect(SOAK_DEFAULTS.instanceWorkers).toEqual([1, 2, 1]);
    const all = parseOptions(['--workers', '2']);
    expect(all.instanceWorkers).toEqual([2, 2, 2]);
    expect(commandLine(all)).toBe('npm run fleet -- --workers 2,2,2');
    const none = parseOptions(['--workers', '1', '--loops', '4']);
    expect(commandLine(none)).toBe('npm run fleet -- --loops 4 --workers 1,1,1');
    expect(parseOptions(['--workers', '1,1,3']).instanceWorkers).toEqual([1, 1, 3]);
  });
});

describe('fault schedule', () => {
  it('CI profile: one fault of each kind, the worker killed before its instance, the fleet restart last', () => {
    expect(faultSchedule(FLEET_DEFAULTS)).toEqual([
      { atSeconds: 16, kind: 'database-outage' },
      { atSeconds: 32, kind: 'worker-kill', victim: 1 },
      { atSeconds: 48, kind: 'instance-kill', victim: 1 },
      { atSeconds: 64, kind: 'fleet-restart' },
    ]);
  });

  it('no worker to kill in a fleet of single processes', () => {
    expect(faultSchedule(parseOptions(['--workers', '1'])).map((f) => f.kind)).toEqual([
      'database-outage',
      'instance-kill',
      'database-outage',
      'fleet-restart',
    ]);
  });

  it('workers killed in each instance of several in turn, instance 0 included', () => {
    const schedule = faultSchedule(parseOptions(['--workers', '2', '--seconds', '200']));
    expect(schedule.filter((f) => f.kind === 'worker-kill').map((f) => f.victim)).toEqual([
      0, 1, 2, 0,
    ]);
    // A whole instance is still never instance 0.
    expect(schedule.filter((f) => f.kind === 'instance-kill').map((f) => f.victim)).toEqual([
      1, 2, 1,
    ]);
  });

  it('soak: outages and kills in turn every minute, never killing instance 0', () => {
    const schedule = faultSchedule(parseOptions(['--soak', '--minutes', '10']));
    expect(schedule.map((f) => f.atSeconds)).toEqual([60, 120, 180, 240, 300, 360, 420, 480, 540]);
    expect(schedule.map((f) => f.kind)).toEqual([
      'database-outage',
      'worker-kill',
      'instance-kill',
      'database-outage',
      'worker-kill',
      'instance-kill',
      'database-outage',
      'worker-kill',
      'fleet-restart',
    ]);
    expect(schedule.filter((f) => f.kind === 'instance-kill').map((f) => f.victim)).toEqual([1, 2]);
    expect(schedule.filter((f) => f.kind === 'worker-kill').map((f) => f.victim)).toEqual([
      1, 1, 1,
    ]);
  });

  it('a short soak still gets one fault of each kind', () => {
    const schedule = faultSchedule(parseOptions(['--soak', '--minutes', '3']));
    expect(schedule).toEqual([
      { atSeconds: 45, kind: 'database-outage' },
      { atSeconds: 90, kind: 'worker-kill', victim: 1 },
      { atSeconds: 135, kind: 'instance-kill', victim: 1 },
      { atSeconds: 180, kind: 'fleet-restart' },
    ]);
  });
});
