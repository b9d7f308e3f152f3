import { Writable } from 'node:stream';
import { AppConfig } from '../../config/app-config';
import { escapeRawCharacters, type LogDestination, logDestination } from './log-destination';
import { processLogger } from './logging.module';

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

describe('the JSON lines', () => {
  // U+202E reorders, U+200B hides, U+2028 and U+0085 break a line in some viewers, U+E0001 is an
  // astral format character, DEL hides; JSON.stringify leaves each of them raw.
  const sent = 'x\u202egnp.\u200b\u2028\u0085\u{e0001}\u007fy';

  function logged(msg: string): string {
    const lines: string[] = [];
    const destination: LogDestination = { write: (line) => void lines.push(line) };
    const env = { ...base, NODE_ENV: 'production', KEY_ENCRYPTION_SECRET: 'x'.repeat(32) };
    processLogger(
      AppConfig.fromEnv({ ...env, ISSUER: 'https://auth.example.test' }).server,
      destination,
    ).warn(msg);
    expect(lines).toHaveLength(1);
    return lines[0];
  }

  it('escape what a request sent that a viewer would reorder, hide or break, and parse back to it', () => {
    const line = logged(`Upstream sign-in at ${sent} refused`);
    expect(line).toContain('x\\u202egnp.\\u200b\\u2028\\u0085\\udb40\\udc01\\u007fy');
    expect(line.slice(0, -1)).toMatch(/^[\x20-\x7e]*$/);
    expect(JSON.parse(line)).toMatchObject({ msg: `Upstream sign-in at ${sent} refused` });
    // A line of ASCII but DEL too.
    expect(escapeRawCharacters('{"msg":"a\u007fb"}\n')).toBe('{"msg":"a\\u007fb"}\n');
  });

  it('leave a line with none of them as it was, letters of every script included', () => {
    const line = '{"msg":"Anmeldung für ünïcode, 登录, وصول"}\n';
    expect(escapeRawCharacters(line)).toBe(line);
    expect(JSON.parse(logged('登录 وصول'))).toMatchObject({ msg: '登录 وصول' });
  });
});
