import { Test, type TestingModule } from '@nestjs/testing';
import { PassThrough } from 'node:stream';
import { runAdminCli } from '../../src/admin/admin-cli';
import { AdminModule } from '../../src/admin/admin.module';
import { Clock } from '../../src/platform/clock/clock';
import { PasswordHasher } from '../../src/platform/crypto/password-hasher';
import { SigningKeyPairs } from '../../src/tokens/signing-keys/signing-key-pairs';
import { type TestApp, forgetConnection } from './test-app';
import { TestPasswordHasher } from './test-password-hasher';
import { ReusedKeyPairs } from './reused-key-pairs';

export interface AdminRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams as a terminal would show them, in the order written. */
  readonly output: string;
}

/**
 * The admin module's context on the test app's database and clock, started at the app's first
 * in-process command and closed with the app. An operator's process starts one per command; here
 * the commands of one app share it: each start cost ~0.25 s of the worker's CPU and ~0.6 s of wall
 * (docs/DEVELOPMENT.md#test-time), and what a start does (configuration,
 * indexes, OAUTH_CLIENTS, the active key) is the service's, which the app's own start made already.
 * The commands read and write the database, not the context: what one wrote, the next reads there.
 * The start of the CLI's own context per command is run by the process tests
 * (test/e2e/admin/admin-cli.e2e-spec.ts's `adminProcess`).
 */
const contexts = new WeakMap<TestApp['app'], Promise<TestingModule>>();

function adminContext(t: TestApp): Promise<TestingModule> {
  // Keyed by the Nest app: a describe block's stand-in (useTestApp) and the app it stands for share.
  const app = t.app;
  let context = contexts.get(app);
  if (!context) {
    context = (async () => {
      const started = await Test.createTestingModule({
        imports: [AdminModule.forConfig(t.config)],
      })
        .overrideProvider(Clock)
        .useValue(t.clock)
        .overrideProvider(PasswordHasher)
        .useValue(new TestPasswordHasher())
        .overrideProvider(SigningKeyPairs)
        .useValue(new ReusedKeyPairs(t.config.database.uri))
        .compile();
      await started.init();
      return started;
    })();
    contexts.set(app, context);
    const closing = context;
    t.onClose(async () => {
      contexts.delete(app);
      const closed = await closing.catch(() => undefined);
      await closed?.close();
      if (closed) forgetConnection(closed);
    });
  }
  return context;
}

/**
 * `proofgate-admin` in-process, as an operator runs it against the test app's database: the app's
 * admin context (on the app's clock, so expiries follow the test's time); `stdin` is what a pipe
 * would carry (nothing by default).
 */
export async function adminCli(
  t: TestApp,
  argv: readonly string[],
  { stdin = '' }: { stdin?: string } = {},
): Promise<AdminRun> {
  const input = new PassThrough();
  input.end(stdin);
  let stdout = '';
  let stderr = '';
  let output = '';
  const code = await runAdminCli(argv, {
    io: {
      stdout: { write: (text: string) => Boolean((stdout += text) && (output += text)) },
      stderr: { write: (text: string) => Boolean((stderr += text) && (output += text)) },
      stdin: input,
    },
    withContext: async (work) => work(await adminContext(t)),
  });
  return { code, stdout, stderr, output };
}

/**
 * `proofgate-admin clients add <clientId> --redirect-uri https://rp.example/callback <flags>
 * --json`: a client's metadata flags, checked by the rules of registration.
 */
export function addClientWith(
  t: TestApp,
  clientId: string,
  flags: readonly string[],
): Promise<AdminRun> {
  return adminCli(t, [
    ...['clients', 'add', clientId, '--redirect-uri', 'https://rp.example/callback'],
    ...flags,
    '--json',
  ]);
}
