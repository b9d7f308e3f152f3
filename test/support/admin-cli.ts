import { Test } from '@nestjs/testing';
import { PassThrough } from 'node:stream';
import { runAdminCli } from '../../src/admin/admin-cli';
import { AdminModule } from '../../src/admin/admin.module';
import { Clock } from '../../src/platform/clock/clock';
import type { TestApp } from './test-app';

export interface AdminRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams as a terminal would show them, in the order written. */
  readonly output: string;
}

/**
 * `proofgate-admin` in-process, as an operator runs it against the test app's database: its own
 * AdminModule context (on the app's clock, so expiries follow the test's time); `stdin` is what a
 * pipe would carry (nothing by default).
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
    withContext: async (work) => {
      const context = await Test.createTestingModule({
        imports: [AdminModule.forConfig(t.config)],
      })
        .overrideProvider(Clock)
        .useValue(t.clock)
        .compile();
      await context.init();
      try {
        return await work(context);
      } finally {
        await context.close();
      }
    },
  });
  return { code, stdout, stderr, output };
}
