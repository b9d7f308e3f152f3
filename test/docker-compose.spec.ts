/**
 * docker compose cannot run on the CI machines (no Docker engine), so this checks the shape that
 * makes it work for users: a real MongoDB 7 with a healthcheck, the service built from the
 * Dockerfile, started only once MongoDB is healthy, in production mode, with its secret required.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..');

interface Service {
  image?: string;
  build?: string;
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  volumes?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const { mongo, proofgate } = compose.services;

  it('runs MongoDB 7 with a ping healthcheck and a named volume, not published to the host', () => {
    expect(mongo.image).toMatch(/^mongo:7(\.|$)/);
    expect(mongo.healthcheck?.test.join(' ')).toContain("db.adminCommand('ping')");
    expect(mongo.volumes).toEqual(['mongo-data:/data/db']);
    expect(compose.volumes).toHaveProperty('mongo-data');
    expect(mongo.ports).toBeUndefined();
  });

  it('builds the service from the Dockerfile and starts it once MongoDB is healthy', () => {
    expect(proofgate.build).toBe('.');
    expect(proofgate.depends_on).toEqual({ mongo: { condition: 'service_healthy' } });
    expect(proofgate.ports).toEqual(['25000:25000']);
    expect(proofgate.healthcheck?.test.join(' ')).toContain('/health');
  });

  it('configures production against the mongo service and requires the key secret', () => {
    const env = proofgate.environment ?? {};
    expect(env.NODE_ENV).toBe('production');
    expect(env.MONGODB_URI).toBe('mongodb://mongo:27017/proofgate');
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.KEY_ENCRYPTION_SECRET).toMatch(/^\$\{KEY_ENCRYPTION_SECRET:\?/);
  });

  it('has a Dockerfile that builds, drops dev dependencies and runs as a non-root user', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toContain('npm ci');
    expect(dockerfile).toContain('npm run build');
    expect(dockerfile).toContain('npm prune --omit=dev');
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main.js"\]$/m);
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
    // `nest build` compiles every file under src/, so the CLI's entry point is in dist/.
    expect(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')).toContain('"src/**/*.ts"');
    expect(statSync(join(ROOT, 'src', 'admin', 'main.ts')).isFile()).toBe(true);
    expect(statSync(join(ROOT, 'bin', 'proofgate-admin')).mode & 0o111).not.toBe(0);
  });
});
