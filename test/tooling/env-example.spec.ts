/**
 * Every environment variable is documented where it belongs and listed where users look:
 * - the configuration reference (docs/CONFIGURATION.md) is exactly what the service reads
 *   (src/config);
 * - docs/DEVELOPMENT.md's list of variables read by the tools and tests is exactly what tools/,
 *   test/, bench/ and examples/ read besides (less the system's and the test harness's own);
 * - .env.example lists exactly the configuration reference's variables, commented out, with
 *   values that boot.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseEnv } from 'node:util';
import { AppConfig } from '../../src/config/app-config';
import { variablesReadBy } from '../support/config-reads';
import { configurationVariables, toolVariables } from '../support/docs';
import { ROOT } from '../support/readme';

/** Read by the scripts, but no setting of ours: nobody documents or sets these for Proofgate. */
const NOT_OURS: Record<string, string> = {
  PATH: 'the system search path (where the browser tests look for chromium)',
  LD_LIBRARY_PATH: 'the system loader path, extended for the packaged Chromium',
  JEST_WORKER_ID: 'set by Jest',
  UV_THREADPOOL_SIZE: "libuv's pool size, read by the tests that hold every thread of it",
  PROOFGATE_TEST_MONGODB_BASE: "handed by the tests' global setup to each test file",
  PROOFGATE_TEST_TMPDIR: "the run's folder for files, handed by the tests' global setup",
};

function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => keep(name) && !name.split('/').includes('node_modules'))
    .map((name) => join(ROOT, dir, name));
}

/** `process.env.<name>`, `env.<name>` (a copy or an injected env), `process.env['<name>']`. */
function readByTheScripts(): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  const scripts = ['tools', 'test', 'bench', 'examples'].flatMap((dir) =>
    filesUnder(dir, (n) => /\.(ts|m?js)$/.test(n)),
  );
  // The test runner's configuration too (E2E_EACH_FILE).
  for (const file of [...scripts, join(ROOT, 'jest.config.js')]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(
      /\benv(?:\.([A-Z][A-Z0-9_]*)\b|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g,
    )) {
      const name = m[1] ?? m[2];
      reads.set(name, [...(reads.get(name) ?? []), relative(ROOT, file)]);
    }
  }
  return reads;
}

function differences(documented: Iterable<string>, actual: Iterable<string>) {
  const doc = new Set(documented);
  const act = new Set(actual);
  return {
    undocumented: [...act].filter((n) => !doc.has(n)).sort(),
    documentedButNotThere: [...doc].filter((n) => !act.has(n)).sort(),
  };
}

const NO_DIFFERENCE = { undocumented: [], documentedButNotThere: [] };

describe('the docs list every environment variable where it belongs', () => {
  const configuration = configurationVariables();
  const tools = toolVariables();

  it('reads sensible lists', () => {
    expect(configuration).toEqual(
      expect.arrayContaining(['NODE_ENV', 'RATE_LIMIT_TOKEN_PER_CLIENT']),
    );
    expect(tools).toEqual(expect.arrayContaining(['CHROMIUM_PATH', 'PROOFGATE_URL']));
    expect(new Set(configuration).size).toBe(configuration.length);
    expect(new Set(tools).size).toBe(tools.length);
  });

  it('the configuration reference lists exactly what the service reads', () => {
    expect(differences(configuration, variablesReadBy())).toEqual(NO_DIFFERENCE);
  });

  it('the tools list names exactly what the tools, tests, benchmarks and examples read besides', () => {
    const service = new Set(configuration);
    const reads = readByTheScripts();
    const theirs = [...reads.keys()].filter((n) => !service.has(n) && !(n in NOT_OURS));
    const { undocumented, documentedButNotThere } = differences(tools, theirs);
    expect({
      undocumented: undocumented.map((n) => `${n} (${reads.get(n)?.join(', ')})`),
      documentedButNotThere,
    }).toEqual(NO_DIFFERENCE);
    // The exceptions are real reads, not stale entries.
    for (const name of Object.keys(NOT_OURS)) expect(reads.get(name)).toBeDefined();
  });

  it('puts each variable in one list only', () => {
    expect(tools.filter((n) => configuration.includes(n))).toEqual([]);
  });
});

describe('.env.example', () => {
  const text = readFileSync(join(ROOT, '.env.example'), 'utf8');
  const entries = text
    .split('\n')
    .map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  const listed = entries.map((m) => m[1]);

  it('lists every variable of the configuration reference, and nothing else', () => {
    expect(differences(listed, configurationVariables())).toEqual({
      undocumented: [],
      documentedButNotThere: [],
    });
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('sets nothing as it is: every variable is commented out', () => {
    expect(parseEnv(text)).toEqual({});
    for (const m of entries) expect(m[0]).toMatch(/^# /);
  });

  it('has example values the service accepts, once uncommented', () => {
    const uncommented = parseEnv(
      text
        .split('\n')
        .map((line) => line.replace(/^# (?=[A-Z][A-Z0-9_]*=)/, ''))
        .join('\n'),
    );
    expect(Object.keys(uncommented).sort()).toEqual([...listed].sort());
    const config = AppConfig.fromEnv(uncommented);
    expect(config.oauth.clients).toContainEqual(
      expect.objectContaining({
        clientId: 'my-app',
        redirectUris: ['https://app.example/callback'],
      }),
    );
    expect(config.wallet.rpcUrls).toEqual({ 1: 'https://rpc.example/your-key' });
    expect(config.rateLimits).toMatchObject({ tokenPerClient: 600, walletPerAddress: 60 });
  });
});
