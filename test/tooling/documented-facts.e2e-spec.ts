/**
 * What the documentation names exists (issue #24: docs a newcomer can trust). Read from the
 * README and docs/ themselves, checked against the running service and the project:
 * - every `METHOD /path` is a route the service serves;
 * - every route the service serves has its entry in docs/ENDPOINTS.md;
 * - every `npm run <script>` is a script of package.json;
 * - every `proofgate-admin` command of the administration table is a command of the CLI.
 * The settings a page names are checked against the config sections by docs-agree.spec.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildAdminProgram } from '../../src/admin/admin-cli';
import { documentationPages } from '../support/docs';
import { ROOT } from '../support/readme';
import { createTestApp, type TestApp } from '../support/test-app';
import { routeMatches } from '../support/registered-routes';

const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');

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
  for (const { file, text } of documentationPages()) {
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
    const named = documentationPages().flatMap(({ file, text }) =>
      [...text.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => ({ file, script: m[1] })),
    );
    expect(named.length).toBeGreaterThan(10);
    const unknown = named
      .filter(({ script }) => !scripts.includes(script))
      .map(({ file, script }) => `${file}: npm run ${script}`);
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('documents every route the service serves in docs/ENDPOINTS.md', () => {
    // Each route, as a `METHOD /path` of the reference's headings (its entries).
    const documented = [...read('docs', 'ENDPOINTS.md').matchAll(/^### (.*)$/gm)].flatMap((m) =>
      [...m[1].matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^\s?#`]*)/g)].flatMap((span) =>
        concretePaths(span[2]).map((path) => ({ method: span[1], path })),
      ),
    );
    // The scripts and stylesheets of the pages (src/public), and Swagger UI's under /docs/:
    // files, not endpoints.
    const undocumented = app.routes
      .filter((route) => !route.path.startsWith('/static/') && !route.path.startsWith('/docs/'))
      .filter(
        (route) =>
          !documented.some(({ method, path }) => routeMatches(route, method, path)) &&
          // `/.well-known/oauth-protected-resource` is documented beside its `/api` twin.
          !documented.some(
            ({ method, path }) =>
              method.toLowerCase() === route.method && path === `${route.path}/api`,
          ),
      )
      .map((route) => `${route.method.toUpperCase()} ${route.path}`);
    expect(app.routes.length).toBeGreaterThan(50);
    expect([...new Set(undocumented)]).toEqual([]);
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
    // The commands that open each item of the command list.
    const table = readFileSync(join(ROOT, 'docs', 'ADMINISTRATION.md'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('- `'))
      .flatMap((line) => codeSpans(/^- ((?:`[^`]+`(?:, | or | and )?)+)/.exec(line)?.[1] ?? ''))
      // A note that opens with a flag (`--first-party` ...) names no command.
      .filter((span) => /^[a-z]/.test(span))
      .map((span) => span.split(' ').slice(0, 2).join(' '));
    expect(table.length).toBeGreaterThan(15);
    expect(table.filter((command) => !commands.has(command))).toEqual([]);
  });
});
