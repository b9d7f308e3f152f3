import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The CPU limit of the process's cgroup, in CPUs (a fraction where the quota is one), or
 * undefined where none is set or none can be read. cgroup v2 `cpu.max` (`<quota> <period>`, or
 * `max <period>`), else cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` (quota -1: none).
 * A container's `--cpus` or a Kubernetes CPU limit is such a quota; the host's cores are not.
 */
export function cgroupCpuLimit(root = '/sys/fs/cgroup'): number | undefined {
  const read = (...path: string[]): string | undefined => {
    try {
      return readFileSync(join(root, ...path), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const v2 = read('cpu.max');
  if (v2 !== undefined) {
    const [quota, period] = v2.split(/\s+/);
    return quota === 'max' ? undefined : ratio(quota, period);
  }
  const quota = read('cpu', 'cpu.cfs_quota_us') ?? read('cpu,cpuacct', 'cpu.cfs_quota_us');
  const period = read('cpu', 'cpu.cfs_period_us') ?? read('cpu,cpuacct', 'cpu.cfs_period_us');
  return quota === undefined || quota === '-1' ? undefined : ratio(quota, period);
}

function ratio(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  return Number.isFinite(q) && Number.isFinite(p) && q > 0 && p > 0 ? q / p : undefined;
}

/**
 * The CPUs this process may use: the cores it may run on (its affinity, `os.availableParallelism`),
 * bounded by its cgroup's CPU limit rounded up (a limit of 1.5 CPUs is worth two processes, each
 * throttled the less), and at least one.
 */
export function usableCpus(root?: string): number {
  const limit = cgroupCpuLimit(root);
  const cores = availableParallelism();
  return Math.max(1, limit === undefined ? cores : Math.min(cores, Math.ceil(limit)));
}
