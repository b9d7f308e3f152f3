import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ROOT } from './readme';

/** Where tools/helm/install.sh puts helm, kubernetes-validate and the CRD models (git ignores it). */
const INSTALLED = join(ROOT, '.cache', 'helm');

export interface ChartTools {
  helm: string;
  kubeValidate: string;
  /** The folder @kubernetes-models/prometheus-operator is installed in (tools/helm/install.sh). */
  crdModels: string;
}

/** The first of the candidates that runs with `args`, a relative path taken from the project's root. */
function firstRunnable(candidates: (string | undefined)[], args: string[]): string | undefined {
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    const path =
      candidate.includes('/') && !isAbsolute(candidate) ? resolve(ROOT, candidate) : candidate;
    try {
      execFileSync(path, args, { stdio: 'ignore' });
      return path;
    } catch {
      // Not there, or not runnable: try the next.
    }
  }
  return undefined;
}

/**
 * helm ($HELM, else tools/helm/install.sh's, else on PATH), kubernetes-validate ($KUBE_VALIDATE,
 * likewise) and the prometheus-operator models (install.sh's); undefined when one is missing.
 */
export function findChartTools(): ChartTools | undefined {
  const helm = firstRunnable(
    [process.env.HELM, join(INSTALLED, 'bin', 'helm'), 'helm'],
    ['version', '--short'],
  );
  const kubeValidate = firstRunnable(
    [
      process.env.KUBE_VALIDATE,
      join(INSTALLED, 'bin', 'kubernetes-validate'),
      'kubernetes-validate',
    ],
    ['--version'],
  );
  const crdModels = join(INSTALLED, 'crd-models');
  const modelsThere = existsSync(
    join(crdModels, 'node_modules', '@kubernetes-models', 'prometheus-operator', 'package.json'),
  );
  if (!helm || !kubeValidate || !modelsThere) return undefined;
  return { helm, kubeValidate, crdModels };
}

export const CHART_TOOLS_MISSING =
  'helm, kubernetes-validate or the prometheus-operator models not found ' +
  '(run `eval "$(bash tools/helm/install.sh)"`, or set HELM and KUBE_VALIDATE)';

/**
 * How a spec that needs the chart tools runs its tests: with them, or in CI (where their absence
 * fails), `it`; on a developer's machine without them, `it.skip`, the title saying why.
 */
export function chartTests(tools: ChartTools | undefined) {
  const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  const why = inCi ? 'CI needs them' : 'SKIPPED';
  return {
    inCi,
    withTools: tools || inCi ? it : it.skip,
    skippedNote: tools ? '' : ` (${why}: ${CHART_TOOLS_MISSING})`,
  };
}
