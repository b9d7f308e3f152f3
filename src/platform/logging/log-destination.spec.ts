import { Writable } from 'node:stream';
import { AppConfig } from '../../config/app-config';
import { logDestination } from './log-destination';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate' };

/** What the development destination prints for `records`. */
async function pretty(records: readonly object[]): Promise<string> {
  const written: string[] = [];
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  const stream = logDestination(
    AppConfig.fromEnv({ ...base, NODE_ENV: 'development' }).server,
    output,
  );
  for (const record of records) {
    stream.write(`${JSON.stringify({ time: Date.now(), pid: 1, hostname: 'h', ...record })}\n`);
  }
  await new Promise((resolve) => setImmediate(resolve));
  return written.join('');
}

describe('logDestination', () => {
  it('pretty-prints in development: one readable line, not JSON', async () => {
    const text = await pretty([{ level: 40, context: 'Boot', msg: 'careful' }]);
    expect(text).toMatch(/WARN.*\[Boot\] careful/);
    expect(text).not.toContain('"msg"');
  });

  it('separates a request line from its message', async () => {
    const text = await pretty([
      {
        level: 30,
        req: { method: 'GET', url: '/' },
        res: { statusCode: 200 },
        responseTime: 5,
        msg: 'request completed',
      },
    ]);
    expect(text).toMatch(/INFO.*: GET \/ 200 5 ms: request completed\n$/);
  });

  it('writes out what a request sent that would forge a second line or reorder one', async () => {
    // An unknown provider's id, from /login/upstream/<id>/callback, as it is logged.
    const sent = 'x\n[02:16:49] INFO: forged\u202e';
    const text = await pretty([
      { level: 40, context: 'UpstreamSignIn', msg: `Upstream sign-in at ${sent} refused` },
    ]);
    expect(text.split('\n')).toEqual([
      expect.stringMatching(
        /WARN.*\[UpstreamSignIn\] Upstream sign-in at x\\u\{a\}\[02:16:49\] INFO: forged\\u\{202e\} refused$/,
      ),
      '',
    ]);
  });
});

it('writes JSON in production and in tests', () => {
  for (const NODE_ENV of ['production', 'test']) {
    const env = {
      ...base,
      NODE_ENV,
      KEY_ENCRYPTION_SECRET: 'x'.repeat(32),
      ISSUER: 'https://auth.example.test',
    };
    expect(logDestination(AppConfig.fromEnv(env).server).constructor.name).toBe('SonicBoom');
  }
});
