/**
 * What the documentation names exists (issue #24: docs a newcomer can trust). Read from the
 * README and docs/ themselves, checked against the running service and the project:
 * - every `METHOD /path` is a route the service serves;
 * - every `npm run <script>` is a script of package.json;
 * - every setting named in backticks (`UPPER_SNAKE`) is in the README's configuration table or
 *   its table of variables read by the tools and tests;
 * - every `proofgate-admin` command of the administration table is a command of the CLI.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildAdminProgram } from '../../src/admin/admin-cli';
import { ROOT, configurationVariables, toolVariables } from '../support/readme';
import { createTestApp, type TestApp } from '../support/test-app';
import { routeMatches } from '../support/registered-routes';

/** The README, every page of docs/ (runbooks included) and the examples' READMEs. */
function documents(): Array<{ file: string; text: string }> {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  const examples = readdirSync(join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('README.md') && !name.split('/').includes('node_modules'))
    .map((name) => join('examples', name));
  return ['README.md', ...docs, ...examples].map((file) => ({
    file,
    text: readFileSync(join(ROOT, file), 'utf8'),
  }));
}

/** Inline code spans of the prose and the lines of fenced blocks, per file. */
function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
}

/** `{a,b}` alternatives expanded; `<placeholder>` and `:param` made a concrete segment. */
function concretePaths(path: string): string[] {
  const brace = /\{([^{}]+)\}/.exec(path);
  if (brace) {
    return brace[1]
      .split(',')
      .flatMap((choice) => concretePaths(path.replace(brace[0], choice.trim())));
  }
  return [path.replace(/<[^>]+>/g, 'x').replace(/\/:[A-Za-z_]+/g, '/x')];
}

interface Endpoint {
  method: string;
  path: string;
  where: string;
}

/** The endpoints the service's own pages document (not the example servers'). */
function documentedEndpoints(): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const { file, text } of documents()) {
    if (file.startsWith('examples')) continue;
    for (const span of codeSpans(text)) {
      const m = /^(GET|POST|PUT|PATCH|DELETE) (\/[^\s?#]*)/.exec(span);
      if (!m) continue;
      for (const path of concretePaths(m[2])) endpoints.push({ method: m[1], path, where: file });
    }
  }
  return endpoints;
}

describe('what the documentation names exists', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app.close());

  it('serves every documented endpoint', () => {
    const routes = app.routes;
    const endpoints = documentedEndpoints();
    expect(endpoints.length).toBeGreaterThan(40);
    const missing = endpoints
      .filter(
        ({ method, path }) =>
          !routes.some((route) =>
            // `/passkeys/*` names every route under /passkeys/.
            path.endsWith('*')
              ? route.method === method.toLowerCase() && route.path.startsWith(path.slice(0, -1))
              : routeMatches(route, method, path),
          ),
      )
      .map(({ method, path, where }) => `${where}: ${method} ${path}`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('names only npm scripts that package.json has', () => {
    const scripts = Object.keys(
      (
        JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
          scripts: Record<string, string>;
        }
      ).scripts,
    );
    const named = documents().flatMap(({ file, text }) =>
      [...text.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => ({ file, script: m[1] })),
    );
    expect(named.length).toBeGreaterThan(10);
    const unknown = named
      .filter(({ script }) => !scripts.includes(script))
      .map(({ file, script }) => `${file}: npm run ${script}`);
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('names only settings the README tables list', () => {
    // Compose's own (PROOFGATE_PORT, PROOFGATE_BIND: docs/DEPLOYMENT.md) are interpolated in
    // docker-compose.yml and never reach the service.
    const composes = [
      ...readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g),
    ].map((m) => m[1]);
    const listed = new Set([...configurationVariables(), ...toolVariables(), ...composes]);
    // Constants of the code a page names (`MODEL_IDS`): identifiers, not settings.
    const constants = new Set(
      readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .flatMap((name) => [
          ...readFileSync(join(ROOT, 'src', name), 'utf8').matchAll(
            /export const ([A-Z][A-Z0-9_]*)\b/g,
          ),
        ])
        .map((m) => m[1]),
    );
    // Read by something other than Proofgate: shells, Node, Compose, the OpenTelemetry SDK.
    const foreign =
      /^(PATH|HOME|CI|NODE_OPTIONS|NODE_EXTRA_CA_CERTS|NODE_TLS_REJECT_UNAUTHORIZED|COMPOSE_[A-Z_]+|OTEL_[A-Z_]+)$/;
    const unknown = documents().flatMap(({ file, text }) =>
      codeSpans(text)
        .flatMap((span) => [
          ...span.matchAll(/\b([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])\b(?=[=\s]|$)/g),
        ])
        .map((m) => m[1])
        .filter((name) => !listed.has(name) && !constants.has(name) && !foreign.test(name))
        .map((name) => `${file}: ${name}`),
    );
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('documents only admin commands the CLI has', () => {
    const program = buildAdminProgram({
      io: { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin },
      withContext: () => Promise.reject(new Error('not run')),
    });
    const commands = new Set(
      program.commands.flatMap((group: Command) =>
        group.commands.map((command: Command) => `${group.name()} ${command.name()}`),
      ),
    );
    const table = readFileSync(join(ROOT, 'docs', 'ADMINISTRATION.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => codeSpans(line.split('|')[1]))
      .map((span) => span.split(' ').slice(0, 2).join(' '));
    expect(table.length).toBeGreaterThan(15);
    expect(table.filter((command) => !commands.has(command))).toEqual([]);
  });
});
