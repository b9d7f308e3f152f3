/**
 * Deeply nested JSON bodies: well under the 16 KB limit, yet deep enough to overflow the stack of
 * the recursive object mapping that runs before validation. They are refused as a client mistake
 * while the body is parsed, before any route or DTO sees them.
 */
import { LogDestination } from '../../../src/platform/logging/log-destination';
import { CapturedLog } from '../../support/captured-log';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';

const MAX_DEPTH = 32;

/** `{"field": [[...]]}` nested `depth` levels deep, the outer object counting as one. */
function nested(field: string, depth: number): string {
  return `{"${field}":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
}

const ENDPOINTS = [
  ['/wallet/nonce', 'address'],
  ['/wallet/verify', 'message'],
  ['/login/siwe', 'message'],
  ['/login', 'username'],
] as const;

describe('deeply nested request bodies', () => {
  const log = new CapturedLog();
  const t = useTestApp({ LOG_LEVEL: 'warn', RATE_LIMIT_LOGIN_PER_IP: '1000' }, [
    [LogDestination, log],
  ]);

  it.each(ENDPOINTS)(
    'POST %s refuses 1,500 levels of JSON nesting with 400 invalid_request',
    async (path, field) => {
      const body = nested(field, 1500);
      expect(Buffer.byteLength(body)).toBeLessThan(16 * 1024);

      const res = await t.http().post(path).type('json').send(body);

      expectRefusal(
        res,
        400,
        'invalid_request',
        `The request body is nested too deeply (more than ${MAX_DEPTH} levels)`,
      );
    },
  );

  it.each(ENDPOINTS)('POST %s refuses one level past the limit', async (path, field) => {
    const res = await t
      .http()
      .post(path)
      .type('json')
      .send(nested(field, MAX_DEPTH + 1))
      .expect(400);
    expect(res.body.error_description).toMatch(/nested too deeply/);
  });

  it('lets a body at the limit through to validation', async () => {
    const res = await t
      .http()
      .post('/wallet/nonce')
      .type('json')
      .send(nested('address', MAX_DEPTH))
      .expect(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).not.toMatch(/nested too deeply/);
  });

  it('reads form bodies flat: bracketed names are not nested (no qs parsing)', async () => {
    const res = await t
      .http()
      .post('/login')
      .type('form')
      .send(`username${'[a]'.repeat(1500)}=x`)
      .expect(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/^Unknown parameter: username\[a\]/) as string,
    });
  });

  it('logs no error and no stack trace for any of them', () => {
    const errors = log.records().filter((r) => Number(r.level) >= 50);
    expect(errors).toEqual([]);
    expect(log.lines.join('')).not.toMatch(/RangeError|Maximum call stack|\n\s+at /);
  });
});
