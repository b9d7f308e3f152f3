/**
 * The chart's `helm test` pod (deploy/helm/proofgate/templates/tests/ready.yaml), its command run
 * as rendered against a running service in place of the chart's Service: it passes when the
 * service is ready and its issuer is config.ISSUER, and fails, saying why, when the issuer differs
 * or nothing answers. helm renders it (tools/helm/install.sh, as helm-chart.spec.ts needs).
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CHART_TOOLS_MISSING, chartTests, findChartTools } from '../../support/helm';
import { ROOT } from '../../support/readme';
import { useListeningApp } from '../../support/use-test-app';

const CHART = join(ROOT, 'deploy', 'helm', 'proofgate');

interface TestPod {
  kind: string;
  metadata: { name: string; labels: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    restartPolicy: string;
    containers: { command: string[]; env: { name: string; value: string }[] }[];
  };
}

const tools = findChartTools();
const { withTools, skippedNote } = chartTests(tools);

/** The chart's test pod, rendered by helm with `issuer` as config.ISSUER. */
function testPod(issuer: string): TestPod {
  if (!tools) throw new Error(`CI: ${CHART_TOOLS_MISSING}`);
  const rendered = spawnSync(
    tools.helm,
    ['template', 'proofgate', CHART, '--set', `config.ISSUER=${issuer}`],
    { cwd: ROOT, encoding: 'utf8' },
  );
  expect(rendered.status).toBe(0);
  const pods = parseAllDocuments(rendered.stdout)
    .map((document) => document.toJS() as TestPod | null)
    .filter(
      (resource): resource is TestPod =>
        resource?.metadata?.annotations?.['helm.sh/hook'] === 'test',
    );
  expect(pods).toHaveLength(1);
  return pods[0];
}

/**
 * The pod's command, run here with its environment but `serviceUrl` for the chart's Service (a
 * child process not waited on synchronously: the service answers from this one).
 */
function runAgainst(
  pod: TestPod,
  serviceUrl: string,
): Promise<{ status: number; stdout: string; stderr: string }> {
  const [container] = pod.spec.containers;
  // The pod's environment (not this process's).
  const podEnv = Object.fromEntries(container.env.map(({ name, value }) => [name, value]));
  expect(podEnv).toMatchObject({ PROOFGATE_SERVICE_URL: 'http://proofgate:80' });
  const [command, ...args] = container.command;
  expect(command).toBe('node');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      {
        env: { PATH: process.env.PATH, ...podEnv, PROOFGATE_SERVICE_URL: serviceUrl },
        timeout: 20_000,
      },
      (error, stdout, stderr) =>
        resolve({
          status: error ? Number(error.code ?? -1) : 0,
          stdout: stdout.trim(),
          stderr: stderr.trim(),
        }),
    );
  });
}

describe('deploy/helm/proofgate: helm test', () => {
  const t = useListeningApp();

  withTools(
    `passes against a ready service whose issuer is config.ISSUER${skippedNote}`,
    async () => {
      const pod = testPod(t.issuer);
      // Never one of the Deployment's pods (its selector is name and instance together).
      expect(pod.metadata.labels['app.kubernetes.io/name']).toBe('proofgate-test');
      expect(pod.spec.restartPolicy).toBe('Never');
      await expect(runAgainst(pod, t.issuer)).resolves.toEqual({
        status: 0,
        stdout: `${t.issuer}: ready, issuer ${t.issuer}`,
        stderr: '',
      });
    },
  );

  withTools(`fails, saying why, when the issuer is not config.ISSUER${skippedNote}`, async () => {
    const result = await runAgainst(testPod('https://auth.example.com'), t.issuer);
    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `the service's issuer is ${t.issuer}, not config.ISSUER https://auth.example.com`,
    });
  });

  withTools(`fails when nothing answers at the Service${skippedNote}`, async () => {
    // A port nothing listens on (discard, 9: no service here runs it).
    const result = await runAgainst(testPod(t.issuer), 'http://127.0.0.1:9');
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('fetch failed');
  });
});
