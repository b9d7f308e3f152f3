/**
 * How the browser tests find Chromium (test/support/chromium.ts): the order of the sources, the
 * one-line error when there is none, the flags, and, for real, the Chromium shipped in the
 * @sparticuz/chromium dev dependency: unpacked, checked, unpacked again over a bad leftover.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BROWSER_FLAGS, launchOptions } from '../support/browser';
import {
  HOW_TO_GET_CHROMIUM,
  NoChromiumError,
  PACKAGED,
  PackagedChromium,
  findChromium,
  loadPackagedChromium,
  packagedManifest,
  probe,
  withFileLock,
} from '../support/chromium';

const nothingInstalled = () => false;
const noPackage = () => Promise.reject(new Error(`Cannot find module '${PACKAGED}'`));

function fakePackage(path = '/tmp/fake-chromium'): PackagedChromium {
  return {
    executablePath: () => Promise.resolve(path),
    args: [],
    binDir: '/nonexistent',
    version: '147.0.0',
  };
}

describe('findChromium', () => {
  it('takes CHROMIUM_PATH first, over an installed system Chromium', async () => {
    const found = await findChromium({
      env: { CHROMIUM_PATH: '/opt/chrome/chrome', PATH: '/usr/bin' },
      isExecutable: () => true,
      loadPackaged: noPackage,
    });
    expect(found).toMatchObject({ executablePath: '/opt/chrome/chrome', source: 'CHROMIUM_PATH' });
  });

  it('fails on a CHROMIUM_PATH that is not there, rather than running another browser', async () => {
    const error = await findChromium({
      env: { CHROMIUM_PATH: '/nowhere/chromium' },
      isExecutable: (p) => p === '/usr/bin/chromium',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoChromiumError);
    expect((error as Error).message).toContain('CHROMIUM_PATH=/nowhere/chromium');
  });

  it.each([
    ['/usr/bin/chromium', ['/usr/bin/chromium', '/usr/bin/chromium-browser']],
    ['/usr/bin/chromium-browser', ['/usr/bin/chromium-browser']],
    ['/snap/bin/chromium', ['/snap/bin/chromium']],
  ])('then the system package: %s', async (expected, installed) => {
    const found = await findChromium({
      env: { PATH: '/usr/local/bin:/snap/bin' },
      isExecutable: (p) => installed.includes(p),
      loadPackaged: noPackage,
    });
    expect(found).toMatchObject({ executablePath: expected, source: 'system' });
  });

  it(`then the Chromium shipped in ${PACKAGED}`, async () => {
    const found = await findChromium({
      env: { PATH: '/usr/bin' },
      isExecutable: nothingInstalled,
      loadPackaged: () => loadPackagedChromium(),
    });
    expect(found.source).toBe(PACKAGED);
    expect(found.recommendedArgs).toContain('--no-sandbox');
  }, 120_000);

  it('without any, fails with one line naming CHROMIUM_PATH, the Debian package and npm ci', async () => {
    const error = (await findChromium({
      env: { PATH: '/usr/bin' },
      isExecutable: nothingInstalled,
      loadPackaged: noPackage,
    }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NoChromiumError);
    expect(error.message).not.toContain('\n');
    expect(error.stack).toBe(`NoChromiumError: ${error.message}`);
    expect(error.message).toContain(`Cannot find module '${PACKAGED}'`);
    for (const hint of ['CHROMIUM_PATH', "Debian's `chromium` package", '`npm ci`']) {
      expect(error.message).toContain(hint);
      expect(HOW_TO_GET_CHROMIUM).toContain(hint);
    }
  });

  it('fails when the packaged Chromium does not run, even after unpacking it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proofgate-chromium-test-'));
    const fake = join(dir, 'chromium');
    let unpacked = 0;
    try {
      const error = (await findChromium({
        env: {},
        isExecutable: nothingInstalled,
        loadPackaged: () =>
          Promise.resolve({
            ...fakePackage(fake),
            executablePath: () => {
              unpacked += 1;
              writeFileSync(fake, '#!/bin/sh\necho "Chromium 99.0.1 built elsewhere"\n');
              chmodSync(fake, 0o755);
              return Promise.resolve(fake);
            },
          }),
      }).catch((e: unknown) => e)) as Error;
      expect(unpacked).toBe(2);
      expect(error).toBeInstanceOf(NoChromiumError);
      expect(error.message).toContain('Chromium 99.0.1 built elsewhere, expected 147');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("brings the package's own libraries when the system lacks them (NSS on a bare system)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proofgate-chromium-test-'));
    // Stands in for the real binary on a system without libnss3: it runs only when the loader
    // path holds the libraries the package ships.
    const fake = join(dir, 'chromium');
    writeFileSync(
      fake,
      [
        '#!/bin/sh',
        'lib="${LD_LIBRARY_PATH%%:*}"',
        'if [ -f "$lib/libnss3.so" ] && [ -f "$lib/libnspr4.so" ]; then echo "Chromium 147.0.7727.0"; exit 0; fi',
        'echo "chromium: error while loading shared libraries: libnss3.so: cannot open shared object file" >&2',
        'exit 127',
        '',
      ].join('\n'),
    );
    chmodSync(fake, 0o755);
    try {
      const real = await loadPackagedChromium();
      const found = await findChromium({
        env: {},
        isExecutable: nothingInstalled,
        loadPackaged: () => Promise.resolve({ ...fakePackage(fake), binDir: real.binDir }),
      });
      const lib = join(tmpdir(), 'al2023', 'lib');
      expect(found.env?.LD_LIBRARY_PATH?.split(':')[0]).toBe(lib);
      expect(launchOptions(found).env).toBe(found.env);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('launch options', () => {
  it('are headless with our flags, and take none of the flags that weaken web security', () => {
    const options = launchOptions({
      executablePath: '/tmp/chromium',
      source: PACKAGED,
      recommendedArgs: [
        '--disable-web-security',
        '--allow-running-insecure-content',
        '--single-process',
        '--disable-features=AudioServiceOutOfProcess,IsolateOrigins,site-per-process',
        "--headless='shell'",
        '--no-sandbox',
        '--no-zygote',
      ],
    });
    expect(options.headless).toBe(true);
    expect(options.executablePath).toBe('/tmp/chromium');
    expect(options.args).toEqual([...BROWSER_FLAGS, '--no-zygote']);
    expect(options.env).toBeUndefined();
  });
});

describe(`the Chromium shipped in ${PACKAGED}`, () => {
  const ROOT = join(__dirname, '..', '..');

  /** Whether `version` satisfies an engines range made of `>=x.y.z` and `^x.y.z` alternatives. */
  function satisfies(version: string, range: string): boolean {
    const parse = (v: string) => v.split('.').map(Number);
    const atLeast = (a: number[], b: number[]) => {
      for (let i = 0; i < 3; i += 1)
        if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
      return true;
    };
    return range.split('||').some((alternative) => {
      const match = /^\s*(>=|\^)\s*(\d+(?:\.\d+){0,2})\s*$/.exec(alternative);
      if (!match) throw new Error(`unexpected engines range "${range}": check it by hand`);
      const [min, v] = [parse(match[2]), parse(version)];
      return atLeast(v, min) && (match[1] === '>=' || v[0] === min[0]);
    });
  }

  it('runs on every Node version this project supports (its engines range)', () => {
    const ours = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const ourMinimum = /^>=(\d+(?:\.\d+){0,2})$/.exec(ours)?.[1];
    expect(ourMinimum).toBeDefined();
    const { engines } = packagedManifest();
    expect(satisfies(ourMinimum!, engines.node)).toBe(true);
    expect(satisfies(process.versions.node, engines.node)).toBe(true);
    // The parser itself: the next versions of the package need Node 22.17.
    expect(satisfies('20.19.0', '^22.17.0 || >=24.0.0')).toBe(false);
    expect(satisfies('22.17.0', '^22.17.0 || >=24.0.0')).toBe(true);
  });

  it('replaces another version left in the temp folder, and a second run waits for the unpacking', async () => {
    // Its own temp folder (os.tmpdir() follows TMPDIR), so nothing here disturbs other test files.
    const tmp = mkdtempSync(join(tmpdir(), 'proofgate-chromium-unpack-'));
    try {
      const unpacked = join(tmp, 'chromium');
      writeFileSync(unpacked, '#!/bin/sh\necho "Chromium 1.0.0"\n');
      chmodSync(unpacked, 0o755);
      const script = `require('./test/support/chromium')
        .findChromium({ env: {}, isExecutable: () => false })
        .then((found) => console.log(JSON.stringify(found)), (e) => { console.error(e.message); process.exit(1); });`;
      const testRun = () =>
        run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], {
          cwd: ROOT,
          env: { ...process.env, TMPDIR: tmp, TS_NODE_PROJECT: 'tsconfig.jest.json' },
        });
      const first = testRun();
      // The second starts once the first is writing the real binary: without the lock it would
      // run a half-written file (ETXTBSY) or unpack over the file the first is about to run.
      const deadline = Date.now() + 60_000;
      while (!(existsSync(unpacked) && statSync(unpacked).size > 4096) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const runs = await Promise.all([first, testRun()]);
      for (const { code, stdout, stderr } of runs) {
        expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
        expect(JSON.parse(stdout)).toMatchObject({ executablePath: unpacked, source: PACKAGED });
      }
      const major = Number(packagedManifest().version.split('.')[0]);
      expect(probe(unpacked, major)).toEqual({ ok: true });
      const version = spawnSync(unpacked, ['--version'], { encoding: 'utf8' });
      expect(version.stdout).toMatch(new RegExp(`^Chromium ${major}\\.`));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 180_000);
});

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('withFileLock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'proofgate-lock-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets one holder in at a time', async () => {
    const lock = join(dir, 'lock');
    const events: string[] = [];
    const hold = (name: string) =>
      withFileLock(
        lock,
        async () => {
          events.push(`${name} in`);
          await new Promise((resolve) => setTimeout(resolve, 50));
          events.push(`${name} out`);
        },
        { pollMs: 5 },
      );
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    expect(events).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) {
      expect(events[i + 1]).toBe(events[i].replace(' in', ' out'));
    }
  });

  it('takes over a lock whose holder has died, and releases it even when the work fails', async () => {
    const lock = join(dir, 'lock');
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
      encoding: 'utf8',
    });
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), dead.stdout.trim());
    await expect(
      withFileLock(lock, () => Promise.reject(new Error('boom')), { timeoutMs: 2_000 }),
    ).rejects.toThrow('boom');
    await expect(withFileLock(lock, () => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('gives up on a live holder after its timeout, naming the lock', async () => {
    const lock = join(dir, 'lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    await expect(
      withFileLock(lock, () => Promise.resolve(1), { timeoutMs: 100, pollMs: 10 }),
    ).rejects.toThrow(lock);
  });
});
