/**
 * deploy/helm/proofgate: `helm lint` passes, and `helm template` renders, with the default values
 * and with every optional part on, manifests that the Kubernetes schemas accept (kubernetes-validate,
 * offline, strict: an unknown field fails) at the oldest and the newest Kubernetes this chart is
 * checked against; the ServiceMonitor and the PrometheusRule against the prometheus-operator CRDs'
 * schemas. Then what an operator relies on: the pods run as the image's user on a read-only root
 * file system, get longer to stop than the instance takes to drain, are probed on the routes the
 * service has, and the PrometheusRule carries deploy/prometheus's rules as they are.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../../support/readme';
import {
  CHART_TOOLS_MISSING,
  chartTests,
  findChartTools,
  type ChartTools,
} from '../../support/helm';

const CHART = join(ROOT, 'deploy', 'helm', 'proofgate');
/** The oldest Kubernetes the chart is checked against (chart README), and the newest. */
const KUBERNETES_VERSIONS = ['1.25.0', '1.37.0'];
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

/** Every optional part on, as the chart's README lists them. */
const EVERYTHING_ON = [
  'ingress.enabled=true',
  'ingress.tls[0].secretName=proofgate-tls',
  'ingress.tls[0].hosts[0]=auth.example.com',
  'autoscaling.enabled=true',
  'podDisruptionBudget.enabled=true',
  'metrics.serviceMonitor.enabled=true',
  'metrics.prometheusRule.enabled=true',
  'networkPolicy.enabled=true',
  'networkPolicy.ingressFrom[0].namespaceSelector.matchLabels.name=ingress',
  'secrets.existingSecret=proofgate-secrets',
];

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  securityContext?: Record<string, unknown>;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  livenessProbe?: { httpGet?: { path: string; port: string } };
  readinessProbe?: { httpGet?: { path: string; port: string } };
  startupProbe?: {
    httpGet?: { path: string; port: string };
    periodSeconds?: number;
    failureThreshold?: number;
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  securityContext: Record<string, unknown>;
  terminationGracePeriodSeconds: number;
  automountServiceAccountToken?: boolean;
  containers: Container[];
}

const tools = findChartTools();
// CI (CI=true, as .ci/run runs) installs them with tools/helm/install.sh: missing there, the tests
// fail; on a developer's machine without them they are reported skipped.
const { inCi, withTools, skippedNote } = chartTests(tools);
if (!tools && !inCi) console.warn(`deploy/helm/proofgate checks SKIPPED: ${CHART_TOOLS_MISSING}`);

function need(): ChartTools {
  if (!tools) throw new Error(`CI: ${CHART_TOOLS_MISSING}`);
  return tools;
}

function run(command: string, args: string[], input?: string) {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', input });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * helm's own notes beside a rendering: it follows the chart's links to deploy/prometheus's rule
 * files, and says so (`found symbolic link in path: ... Contents of linked file included and used`).
 */
function unexpectedStderr(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter(
      (line) => !/found symbolic link in path: .*files\/[a-z]+\.rules\.yml resolves to /.test(line),
    );
}

/** `helm template <args>`: the manifests, parsed, and anything helm said besides. */
function template(...args: string[]): { resources: Resource[]; text: string } {
  const result = run(need().helm, ['template', ...args]);
  expect({ status: result.status, stderr: unexpectedStderr(result.stderr) }).toEqual({
    status: 0,
    stderr: [],
  });
  const resources = parseAllDocuments(result.stdout)
    .map((document) => document.toJS() as Resource | null)
    .filter((resource): resource is Resource => resource !== null);
  return { resources, text: result.stdout };
}
const render = (...sets: string[]) =>
  template(CHART, ...sets.flatMap((set) => ['--set', set])).resources;

const kindsOf = (resources: Resource[]) =>
  resources.map((r) => `${r.kind}/${r.metadata.name}`).sort();
/** The one resource of a kind, typed as the caller reads it. */
function one<T extends object = Resource>(resources: Resource[], kind: string): Resource & T {
  const found = resources.filter((resource) => resource.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Resource & T;
}
const podSpecOf = (resources: Resource[]) =>
  one<{ spec: { template: { spec: PodSpec } } }>(resources, 'Deployment').spec.template.spec;
const containerOf = (resources: Resource[]) => podSpecOf(resources).containers[0];

/** kubernetes-validate, strict, at each version: the resources it passed, and every other line. */
function kubeValidate(text: string): { passed: string[]; problems: string[] } {
  // A file, not stdin: it reads its input once per version.
  const folder = mkdtempSync(join(tmpdir(), 'proofgate-chart-'));
  const file = join(folder, 'manifests.yaml');
  try {
    writeFileSync(file, text);
    const args = ['--strict', ...KUBERNETES_VERSIONS.flatMap((v) => ['-k', v]), file];
    const result = run(need().kubeValidate, args);
    const lines = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line !== '');
    const passed = lines.flatMap((line) => {
      const match = /^INFO \S+ passed for resource (\S+) against version (\S+)$/.exec(line);
      return match ? [`${match[1]}@${match[2]}`] : [];
    });
    const problems = lines.filter((line) => !line.startsWith('INFO '));
    if (result.status !== 0) problems.push(`exit status ${result.status}`);
    return { passed, problems };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const CUSTOM_KINDS = new Set(['ServiceMonitor', 'PrometheusRule']);

/** The Kubernetes resources pass kubernetes-validate at every version; the custom ones are left. */
function expectValidKubernetes(rendered: { resources: Resource[]; text: string }) {
  const builtIn = rendered.resources.filter((resource) => !CUSTOM_KINDS.has(resource.kind));
  const text = builtIn.map((resource) => `---\n${JSON.stringify(resource)}\n`).join('');
  const { passed, problems } = kubeValidate(text);
  expect(problems).toEqual([]);
  const minors = KUBERNETES_VERSIONS.map((v) => v.split('.').slice(0, 2).join('.'));
  expect(passed.sort()).toEqual(
    builtIn
      .flatMap((resource) =>
        minors.map((minor) => `${resource.kind.toLowerCase()}/${resource.metadata.name}@${minor}`),
      )
      .sort(),
  );
}

/** ServiceMonitor and PrometheusRule against the operator's CRD schemas (the models' validators). */
function validateCustomResources(resources: Resource[]) {
  const custom = resources.filter((resource) => CUSTOM_KINDS.has(resource.kind));
  const result = run(
    process.execPath,
    [join(ROOT, 'tools', 'helm', 'validate-custom-resources.mjs'), need().crdModels],
    JSON.stringify(custom),
  );
  expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(result.stdout) as { kind: string; valid: boolean; errors?: string }[];
}

const rulesFile = (name: string) =>
  parse(readFileSync(join(ROOT, 'deploy', 'prometheus', name), 'utf8')) as { groups: unknown[] };

describe('deploy/helm/proofgate', () => {
  it("documents every value in the chart's README, with the defaults values.yaml has", () => {
    const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const readme = readFileSync(join(CHART, 'README.md'), 'utf8');
    /** Documented as a whole (their fields are Kubernetes' own). */
    const WHOLE = new Set([
      'resources',
      'podSecurityContext',
      'securityContext',
      'probes.liveness',
      'probes.readiness',
      'probes.startup',
    ]);
    const isMap = (value: unknown): value is Record<string, unknown> =>
      typeof value === 'object' && value !== null && !Array.isArray(value);
    const leaves = (map: Record<string, unknown>, prefix: string): [string, unknown][] =>
      Object.entries(map).flatMap(([key, value]): [string, unknown][] => {
        const path = `${prefix}${key}`;
        if (WHOLE.has(path) || !isMap(value) || Object.keys(value).length === 0)
          return [[path, value]];
        return leaves(value, `${path}.`);
      });
    const all = leaves(values, '');
    expect(all.length).toBeGreaterThan(40);
    expect(all.map(([path]) => path).filter((path) => !readme.includes(`\`${path}\``))).toEqual([]);

    const shown = (value: unknown) =>
      Array.isArray(value)
        ? `[${value.map(String).join(', ')}]`
        : isMap(value)
          ? '{}'
          : String(value);
    const byPath = new Map(all);
    const stated = [...readme.matchAll(/`([A-Za-z.]+)`\s+\(default\s+`([^`]*)`/g)]
      .filter((match) => byPath.has(match[1]) && !WHOLE.has(match[1]))
      .map((match) => ({ value: match[1], readme: match[2], values: shown(byPath.get(match[1])) }));
    expect(stated.length).toBeGreaterThan(30);
    expect(stated.filter((entry) => entry.readme !== entry.values)).toEqual([]);
  });

  withTools(
    `passes helm lint, with the default values and every optional part on${skippedNote}`,
    () => {
      for (const sets of [[], EVERYTHING_ON]) {
        const result = run(need().helm, [
          'lint',
          '--strict',
          CHART,
          ...sets.flatMap((s) => ['--set', s]),
        ]);
        expect({ status: result.status, output: result.stdout }).toEqual({
          status: 0,
          output: expect.stringContaining('1 chart(s) linted, 0 chart(s) failed'),
        });
      }
    },
  );

  withTools(`renders valid manifests with no values at all${skippedNote}`, () => {
    // The very command of the chart's README: no release name, no values. The Pod is `helm test`'s
    // (helm-test-hook.e2e-spec.ts runs its command).
    const rendered = template(CHART);
    expect(kindsOf(rendered.resources)).toEqual([
      'ConfigMap/release-name-proofgate',
      'Deployment/release-name-proofgate',
      'Pod/release-name-proofgate-test',
      'PodDisruptionBudget/release-name-proofgate',
      'Secret/release-name-proofgate',
      'Service/release-name-proofgate',
      'ServiceAccount/release-name-proofgate',
    ]);
    expectValidKubernetes(rendered);
  });

  withTools(`renders valid manifests with every optional part on${skippedNote}`, () => {
    const rendered = template(CHART, ...EVERYTHING_ON.flatMap((set) => ['--set', set]));
    expect(kindsOf(rendered.resources)).toEqual([
      'ConfigMap/release-name-proofgate',
      'Deployment/release-name-proofgate',
      'HorizontalPodAutoscaler/release-name-proofgate',
      'Ingress/release-name-proofgate',
      'NetworkPolicy/release-name-proofgate',
      'Pod/release-name-proofgate-test',
      'PodDisruptionBudget/release-name-proofgate',
      'PrometheusRule/release-name-proofgate',
      'Service/release-name-proofgate',
      'ServiceAccount/release-name-proofgate',
      'ServiceMonitor/release-name-proofgate',
    ]);
    expectValidKubernetes(rendered);
    expect(validateCustomResources(rendered.resources)).toEqual([
      { kind: 'PrometheusRule', name: 'release-name-proofgate', valid: true },
      { kind: 'ServiceMonitor', name: 'release-name-proofgate', valid: true },
    ]);
  });

  withTools(`checks the custom resources for real: a wrong one is refused${skippedNote}`, () => {
    const resources = render('metrics.serviceMonitor.enabled=true');
    const monitor = one<{ spec: { endpoints: { interval: unknown }[] } }>(
      resources,
      'ServiceMonitor',
    );
    monitor.spec.endpoints[0].interval = 30;
    expect(validateCustomResources([monitor])).toEqual([
      expect.objectContaining({ kind: 'ServiceMonitor', valid: false }),
    ]);
    const { problems } = kubeValidate(
      `---\n${JSON.stringify({ ...one(resources, 'Service'), spek: {} })}\n`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringContaining("'spek' was unexpected")]),
    );
  });

  withTools(`adds exactly a ServiceMonitor and a PrometheusRule for metrics${skippedNote}`, () => {
    const plain = kindsOf(render());
    const withMetrics = kindsOf(
      render('metrics.serviceMonitor.enabled=true,metrics.prometheusRule.enabled=true'),
    );
    expect(withMetrics.filter((resource) => !plain.includes(resource))).toEqual([
      'PrometheusRule/release-name-proofgate',
      'ServiceMonitor/release-name-proofgate',
    ]);
    expect(plain.filter((resource) => !withMetrics.includes(resource))).toEqual([]);
  });

  withTools(
    `carries deploy/prometheus's rule groups in the PrometheusRule, as they are${skippedNote}`,
    () => {
      const rule = one<{ spec: { groups: unknown[] } }>(
        render('metrics.prometheusRule.enabled=true'),
        'PrometheusRule',
      );
      expect(rule.spec.groups).toEqual([
        ...rulesFile('recording.rules.yml').groups,
        ...rulesFile('alerts.rules.yml').groups,
      ]);
      expect(rule.spec.groups.length).toBeGreaterThan(0);
    },
  );

  withTools(
    `scrapes /metrics as the job the alerts select, with the admin token${skippedNote}`,
    () => {
      const resources = render('metrics.serviceMonitor.enabled=true');
      const monitor = one(resources, 'ServiceMonitor').spec as {
        jobLabel: string;
        selector: { matchLabels: Record<string, string> };
        endpoints: Record<string, unknown>[];
      };
      const service = one(resources, 'Service');
      const labels = service.metadata.labels ?? {};
      // The alerts watch `up{job="proofgate"}`: the job is the Service's label jobLabel names.
      expect(
        readFileSync(join(ROOT, 'deploy', 'prometheus', 'alerts.rules.yml'), 'utf8'),
      ).toContain('job="proofgate"');
      expect(labels[monitor.jobLabel]).toBe('proofgate');
      expect(labels).toEqual(expect.objectContaining(monitor.selector.matchLabels));
      expect(monitor.endpoints).toEqual([
        expect.objectContaining({
          port: 'http',
          path: '/metrics',
          authorization: {
            type: 'Bearer',
            credentials: { name: 'release-name-proofgate', key: 'ADMIN_TOKEN' },
          },
        }),
      ]);
      const withoutToken = render(
        'metrics.serviceMonitor.enabled=true',
        'metrics.serviceMonitor.authorization=false',
      );
      const endpoint = (one(withoutToken, 'ServiceMonitor').spec as { endpoints: object[] })
        .endpoints[0];
      expect(endpoint).not.toHaveProperty('authorization');
    },
  );

  withTools(`keeps the alerts' job under nameOverride${skippedNote}`, () => {
    const resources = render('nameOverride=auth', 'metrics.serviceMonitor.enabled=true');
    const monitor = one<{ spec: { jobLabel: string } }>(resources, 'ServiceMonitor').spec;
    const service = one(resources, 'Service');
    expect(service.metadata.labels?.['app.kubernetes.io/name']).toBe('auth');
    expect(service.metadata.labels?.[monitor.jobLabel]).toBe('proofgate');
  });

  withTools(
    `refuses a secret in the ConfigMap, and secrets.values beside an existingSecret${skippedNote}`,
    () => {
      const refusal = (...sets: string[]) => {
        const result = run(need().helm, [
          'template',
          CHART,
          ...sets.flatMap((set) => ['--set', set]),
        ]);
        expect(result.status).not.toBe(0);
        return /Error: execution error at \([^)]*\): (.*)/.exec(result.stderr)?.[1];
      };
      const inConfig = refusal('config.MONGODB_URI=mongodb://app:hunter2@db.example/proofgate');
      expect(inConfig).toBe(
        'config.MONGODB_URI is a secret: set secrets.values.MONGODB_URI, or put it in secrets.existingSecret (a ConfigMap is readable by whoever reads ConfigMaps)',
      );
      expect(
        refusal(
          'secrets.existingSecret=proofgate-secrets',
          'secrets.values.ADMIN_TOKEN=an-admin-token-of-32-characters-or-more',
        ),
      ).toBe(
        'secrets.values.ADMIN_TOKEN is ignored with secrets.existingSecret "proofgate-secrets": put ADMIN_TOKEN in that Secret, and leave secrets.values empty',
      );
      // The same settings where they belong render.
      render('secrets.values.MONGODB_URI=mongodb://app:hunter2@db.example/proofgate');
      render('secrets.existingSecret=proofgate-secrets');
    },
  );

  withTools(
    `refuses a value it does not know or of the wrong kind, naming it, at lint and install${skippedNote}`,
    () => {
      /** What helm says of `sets` (values.schema.json refuses before any template runs). */
      const said = (command: 'lint' | 'template', ...sets: string[]) => {
        const result = run(need().helm, [command, CHART, ...sets.flatMap((set) => ['--set', set])]);
        expect(result.status).not.toBe(0);
        return `${result.stdout}${result.stderr}`;
      };
      // A misspelt value would otherwise be left out in silence: two replicas, not the three asked.
      for (const command of ['lint', 'template'] as const) {
        expect(said(command, 'replicaCout=3')).toMatch(
          /additional properties 'replicaCout' not allowed/,
        );
      }
      expect(said('template', 'ingress.enable=true')).toMatch(
        /at '\/ingress': additional properties 'enable' not allowed/,
      );
      expect(said('template', 'replicaCount=two')).toMatch(
        /at '\/replicaCount': got string, want integer/,
      );
      // A setting is an environment variable's name, as the service reads it.
      expect(said('template', 'config.issuer=https://auth.example.com')).toMatch(
        /at '\/config': additional properties 'issuer' not allowed/,
      );
      expect(said('template', 'probes.liveness.period=3')).toMatch(
        /at '\/probes\/liveness': additional properties 'period' not allowed/,
      );
      expect(said('template', 'service.type=Ingress')).toMatch(/at '\/service\/type'/);
      expect(said('template', 'metrics.serviceMonitor.interval=30 seconds')).toMatch(
        /at '\/metrics\/serviceMonitor\/interval'/,
      );
      // The same values spelt as the chart knows them render.
      render('replicaCount=3', 'ingress.enabled=true', 'config.ISSUER=https://auth.example.com');
      render('podDisruptionBudget.maxUnavailable=25%', 'config.WORKERS=2');
    },
  );

  withTools(
    `runs the pods as the image's user, unprivileged, on a read-only root${skippedNote}`,
    () => {
      // The Dockerfile's last USER; `node` is uid 1000 in the official Node images.
      const users = [...readFileSync(join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^USER (\S+)$/gm)];
      const user = users.at(-1)?.[1];
      const uid = user === 'node' ? 1000 : Number(user);
      expect(Number.isInteger(uid) && uid > 0).toBe(true);

      for (const resources of [render(), render(...EVERYTHING_ON)]) {
        const pod = podSpecOf(resources);
        expect(pod.securityContext).toEqual(
          expect.objectContaining({
            runAsNonRoot: true,
            runAsUser: uid,
            runAsGroup: uid,
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        );
        expect(pod.automountServiceAccountToken).toBe(false);
        const container = containerOf(resources);
        expect(container.securityContext).toEqual(
          expect.objectContaining({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          }),
        );
        expect(container.resources?.requests).toEqual(
          expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
        );
        expect(container.resources?.limits).toEqual(
          expect.objectContaining({ memory: expect.any(String) }),
        );
      }
    },
  );

  withTools(
    `gives the pods longer to stop than the preStop wait and the drain${skippedNote}`,
    () => {
      const cases: { sets: string[]; drain: number }[] = [
        { sets: [], drain: 10 },
        { sets: ['config.SHUTDOWN_GRACE_SECONDS=45'], drain: 45 },
        { sets: ['config.SHUTDOWN_GRACE_SECONDS=0', 'shutdown.preStopSleepSeconds=0'], drain: 0 },
      ];
      for (const { sets, drain } of cases) {
        const resources = render(...sets);
        const config = one<{ data: Record<string, string> }>(resources, 'ConfigMap');
        // What the service reads is what the grace period was computed from.
        expect(config.data.SHUTDOWN_GRACE_SECONDS).toBe(String(drain));
        const pod = podSpecOf(resources);
        const sleep = Number(containerOf(resources).lifecycle?.preStop?.exec?.command[1]);
        expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(sleep + drain);
      }
      const refused = run(need().helm, [
        'template',
        CHART,
        '--set',
        'config.SHUTDOWN_GRACE_SECONDS=ten',
      ]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain(
        'config.SHUTDOWN_GRACE_SECONDS must be a whole number of seconds',
      );
    },
  );

  withTools(`probes the health routes the service has, on its port${skippedNote}`, () => {
    const controller = readFileSync(
      join(ROOT, 'src', 'platform', 'health', 'health.controller.ts'),
      'utf8',
    );
    expect(controller).toContain("@Controller('health')");
    const resources = render();
    const container = containerOf(resources);
    const routes = [container.livenessProbe, container.readinessProbe, container.startupProbe].map(
      (probe) => probe?.httpGet,
    );
    expect(routes).toEqual([
      { path: '/health/live', port: 'http' },
      { path: '/health/ready', port: 'http' },
      { path: '/health/live', port: 'http' },
    ]);
    for (const route of ['live', 'ready']) expect(controller).toContain(`@Get('${route}')`);
    const port = container.ports?.find((p) => p.name === 'http')?.containerPort;
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'PORT', value: String(port) },
        { name: 'HOST', value: '0.0.0.0' },
      ]),
    );
  });

  withTools(
    `lets a start outlast the wait for another instance's migrations before the startup probe gives up${skippedNote}`,
    () => {
      // An instance waiting for another's migrations does not listen yet (docs/RELEASING.md): a
      // startup probe that gave up sooner would restart it in a loop through a rolling upgrade.
      const windowOf = (...sets: string[]) => {
        const probe = containerOf(render(...sets)).startupProbe;
        return (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);
      };
      const serviceDefault = 300; // src/config/sections/database.config.ts
      expect(windowOf()).toBeGreaterThanOrEqual(serviceDefault + 60);
      expect(windowOf('config.MIGRATIONS_WAIT_SECONDS=900')).toBeGreaterThanOrEqual(900 + 60);
      expect(windowOf('config.MIGRATIONS_WAIT_SECONDS=900', 'probes.startup.periodSeconds=7')).toBe(
        7 * Math.ceil(960 / 7),
      );
      // What the operator sets is kept.
      expect(windowOf('probes.startup.failureThreshold=10')).toBe(5 * 10);
    },
  );

  withTools(`runs package.json's release of the image unless told otherwise${skippedNote}`, () => {
    expect(containerOf(render()).image).toBe(`proofgate:${version}`);
    expect(
      containerOf(render('image.repository=registry.example.com/proofgate', 'image.tag=1.2.3'))
        .image,
    ).toBe('registry.example.com/proofgate:1.2.3');
  });

  withTools(
    `keeps secrets in a Secret (the chart's or an existing one), settings in a ConfigMap${skippedNote}`,
    () => {
      const resources = render(
        'config.ISSUER=https://auth.example.com',
        `secrets.values.KEY_ENCRYPTION_SECRET=${'k'.repeat(40)}`,
        'secrets.values.MONGODB_URI=mongodb+srv://user:pw@cluster.example.net/proofgate',
      );
      const config = one<{ data: Record<string, string> }>(resources, 'ConfigMap');
      const secret = one<{ stringData: Record<string, string> }>(resources, 'Secret');
      expect(config.data).toEqual(
        expect.objectContaining({
          ISSUER: 'https://auth.example.com',
          SHUTDOWN_GRACE_SECONDS: '10',
        }),
      );
      // An empty entry is left out, so the service's own default (or refusal) applies.
      expect(Object.keys(secret.stringData).sort()).toEqual([
        'KEY_ENCRYPTION_SECRET',
        'MONGODB_URI',
      ]);
      expect(JSON.stringify(config)).not.toContain('mongodb+srv');
      const container = containerOf(resources);
      expect(container.envFrom).toEqual([
        { configMapRef: { name: 'release-name-proofgate' } },
        { secretRef: { name: 'release-name-proofgate' } },
      ]);
      expect(JSON.stringify(one(resources, 'Deployment'))).not.toContain('mongodb+srv');

      const existing = render('secrets.existingSecret=proofgate-secrets');
      expect(existing.filter((resource) => resource.kind === 'Secret')).toEqual([]);
      expect(containerOf(existing).envFrom).toEqual([
        { configMapRef: { name: 'release-name-proofgate' } },
        { secretRef: { name: 'proofgate-secrets' } },
      ]);
    },
  );

  withTools(
    `lets the example NetworkPolicy in on the http port and out to what Proofgate calls${skippedNote}`,
    () => {
      const policy = one(render('networkPolicy.enabled=true'), 'NetworkPolicy').spec as {
        policyTypes: string[];
        ingress: { ports: { port: string | number }[] }[];
        egress: { ports: { port: string | number; protocol: string }[]; to?: unknown[] }[];
      };
      expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.ingress.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual(['http']);
      const egressPorts = policy.egress.flatMap((rule) =>
        rule.ports.map((p) => `${p.port}/${p.protocol}`),
      );
      expect(egressPorts.sort()).toEqual(
        ['53/UDP', '53/TCP', '27017/TCP', '465/TCP', '587/TCP', '443/TCP'].sort(),
      );
      const https = policy.egress.find((rule) => rule.ports.some((p) => p.port === 443));
      expect(JSON.stringify(https?.to)).toContain('10.0.0.0/8');
    },
  );

  withTools(
    `lets the peers of networkPolicy.ingressFrom in, and helm test's pod beside them${skippedNote}`,
    () => {
      const ingressController = { namespaceSelector: { matchLabels: { name: 'ingress' } } };
      const { resources } = template(
        CHART,
        '--set',
        'networkPolicy.enabled=true',
        '--set-json',
        `networkPolicy.ingressFrom=${JSON.stringify([ingressController])}`,
      );
      const policy = one(resources, 'NetworkPolicy').spec as {
        ingress: { from: { podSelector?: { matchLabels: Record<string, string> } }[] }[];
      };
      const [rule] = policy.ingress;
      expect(rule.from).toHaveLength(2);
      expect(rule.from[0]).toEqual(ingressController);
      // The selector picks the test pod out by its labels, and no pod of the Deployment.
      const { matchLabels } = rule.from[1].podSelector ?? { matchLabels: {} };
      const testPod = resources.find((r) => r.metadata.name === 'release-name-proofgate-test');
      expect(testPod?.metadata.labels).toEqual(expect.objectContaining(matchLabels));
      const deploymentPod = one<{ spec: { template: { metadata: Resource['metadata'] } } }>(
        resources,
        'Deployment',
      ).spec.template.metadata;
      expect(deploymentPod.labels).not.toEqual(expect.objectContaining(matchLabels));
    },
  );
});
