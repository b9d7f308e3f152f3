/**
 * docs/CLIENTS.md's private_key_jwt example, run as written from an empty folder (issue #48: the
 * snippet must run from a scratch folder): the key pair made with jose, the client registered with
 * `proofgate-admin clients add`, an assertion signed for the issuer, and `/token`'s answer. Two
 * lines are stood in for, so that the test needs no network and no second process: the install
 * (the project's own jose 6, linked) and `npm --prefix "$CHECKOUT" run admin --` (the same CLI,
 * in-process, with the arguments the page gives it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminCli } from '../../support/admin-cli';
import { ROOT } from '../../support/readme';
import { type TestApp, startListeningApp } from '../../support/test-app';

const TOOLS = ['bash', 'curl', 'node'];
const missing = TOOLS.filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
);

/** The bash block of "### With private_key_jwt" that starts from an empty folder. */
function example(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'CLIENTS.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### With private_key_jwt'));
  const block = /```bash\n(npm init[\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('docs/CLIENTS.md: no bash block from an empty folder');
  return block;
}

/** Runs `script` in `cwd` with bash, as a reader's shell would. */
async function bash(
  script: string,
  cwd: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // Not spawnSync: the service answering curl runs in this process.
  const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (run.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { status, ...run };
}

describe('docs/CLIENTS.md: private_key_jwt from a scratch folder', () => {
  let t: TestApp;
  let issuer: string;
  let scratch: string;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({}, 'localhost'));
    scratch = mkdtempSync(join(tmpdir(), 'proofgate-private-key-jwt-'));
  });
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    await t?.close();
  });

  // Reported skipped where a tool the page uses is not installed.
  (missing.length === 0 ? it : it.skip)(
    `runs as written: a key pair, the client registered, an assertion, a token (needs ${TOOLS.join(', ')})`,
    async () => {
      const lines = example()
        .replace(/\\\n\s*/g, '')
        .replaceAll('$PROOFGATE_URL', issuer)
        .split('\n');
      const install = lines.findIndex((line) => line.startsWith('npm init'));
      const admin = lines.findIndex((line) =>
        line.startsWith('npm --prefix "$CHECKOUT" run admin --'),
      );
      expect({ install, admin }).toEqual({ install: 0, admin: expect.any(Number) as number });

      // The install: the project's own jose, as `npm install jose@6` would give it.
      symlinkSync(join(ROOT, 'node_modules'), join(scratch, 'node_modules'), 'dir');
      const keys = await bash(lines.slice(install + 1, admin).join('\n'), scratch);
      expect({ status: keys.status, stderr: keys.stderr }).toEqual({ status: 0, stderr: '' });

      // The registration: the admin command's own arguments, `$PWD` being the scratch folder.
      const args = lines[admin]
        .replace('npm --prefix "$CHECKOUT" run admin --', '')
        .replaceAll('"$PWD/', `${scratch}/`)
        .replaceAll('"', '')
        .trim()
        .split(/\s+/);
      const registered = await adminCli(t, args);
      expect(registered).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('private_key_jwt') as string,
      });

      const token = await bash(lines.slice(admin + 1).join('\n'), scratch);
      expect({ status: token.status, stderr: token.stderr }).toEqual({ status: 0, stderr: '' });
      expect(JSON.parse(token.stdout)).toEqual({
        access_token: expect.any(String) as string,
        token_type: 'Bearer',
        expires_in: expect.any(Number) as number,
        scope: 'api',
      });
    },
    90_000,
  );
});
