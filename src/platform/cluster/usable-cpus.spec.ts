import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cgroupCpuLimit, usableCpus } from './usable-cpus';

describe('the CPUs a process may use (WORKERS=auto)', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'cgroup-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function write(path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `${text}\n`);
  }

  it('reads a cgroup v2 quota: 150000 of 100000 µs is 1.5 CPUs, which makes two workers at most', () => {
    write('cpu.max', '150000 100000');
    expect(cgroupCpuLimit(root)).toBe(1.5);
    expect(usableCpus(root)).toBe(Math.min(2, availableParallelism()));
  });

  it('takes cgroup v2 `max` as no limit: the cores', () => {
    write('cpu.max', 'max 100000');
    expect(cgroupCpuLimit(root)).toBeUndefined();
    expect(usableCpus(root)).toBe(availableParallelism());
  });

  it('reads a cgroup v1 quota, and -1 as none', () => {
    write('cpu/cpu.cfs_quota_us', '50000');
    write('cpu/cpu.cfs_period_us', '100000');
    expect(cgroupCpuLimit(root)).toBe(0.5);
    // Half a CPU is still one worker.
    expect(usableCpus(root)).toBe(1);
    write('cpu/cpu.cfs_quota_us', '-1');
    expect(cgroupCpuLimit(root)).toBeUndefined();
  });

  it('counts the cores where no cgroup file can be read', () => {
    expect(cgroupCpuLimit(join(root, 'absent'))).toBeUndefined();
    expect(usableCpus(join(root, 'absent'))).toBe(availableParallelism());
  });
});
