import { Writable } from 'node:stream';
import { AppConfig } from '../../config/app-config';
import { logDestination } from './log-destination';

const base = { MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate' };

describe('logDestination', () => {
  it('pretty-prints in development: one readable line, not JSON', async () => {
    const written: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    });
    {
      const stream = logDestination(
        AppConfig.fromEnv({ ...base, NODE_ENV: 'development' }),
        output,
      );
      stream.write(
        `${JSON.stringify({ level: 40, time: Date.now(), pid: 1, hostname: 'h', context: 'Boot', msg: 'careful' })}\n`,
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
    const text = written.join('');
    expect(text).toMatch(/WARN.*\[Boot\] careful/);
    expect(text).not.toContain('"msg"');
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
    expect(logDestination(AppConfig.fromEnv(env)).constructor.name).toBe('SonicBoom');
  }
});
