/**
 * Revalidation (RFC 9110 §8.8.3, §13.1.2): a weak ETag on what a GET or HEAD returns, and 304 with
 * no body when If-None-Match names it, so a client polling the JWKS or the metadata re-downloads
 * nothing unchanged. No tag on the answer to a POST, which no tag can revalidate.
 */
import { useTestApp } from '../../support/use-test-app';

describe('ETags', () => {
  const t = useTestApp();

  it.each(['/jwks.json', '/.well-known/openid-configuration'])(
    'tags %s and answers 304, without a body, to a GET that names the tag',
    async (path) => {
      const first = await t.http().get(path).expect(200);
      const tag = first.headers['etag'];
      expect(tag).toMatch(/^W\/"[0-9a-f]+-[A-Za-z0-9+/_-]+"$/);
      const again = await t.http().get(path).set('If-None-Match', tag).expect(304);
      expect(again.text).toBe('');
      expect(again.headers['content-type']).toBeUndefined();
      await t.http().get(path).set('If-None-Match', 'W/"0-other"').expect(200);
    },
  );

  it('puts no tag on the answer to a POST', async () => {
    const res = await t
      .http()
      .post('/wallet/nonce')
      .send({ address: `0x${'ab'.repeat(20)}`, chainId: 1 })
      .expect(201);
    expect(res.body.nonce).toEqual(expect.any(String));
    expect(res.headers['etag']).toBeUndefined();
  });
});
