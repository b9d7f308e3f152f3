/**
 * The pages' scripts and stylesheet, as a browser caches them: each page links a file with its
 * content's version (`?v=`), which is kept a year, so an upgrade's pages never run with the
 * scripts a browser cached from the release before; another version is revalidated on each use,
 * and a link without one keeps the hour it always had.
 */
import { createHash } from 'node:crypto';
import { VERSIONED_CACHE_CONTROL } from '../../../src/platform/http/static-files';
import { useTestApp } from '../../support/use-test-app';

const version = (body: string) =>
  createHash('sha256').update(body).digest('base64url').slice(0, 16);

describe("the pages' scripts and stylesheet, by version", () => {
  const t = useTestApp();

  /** The /static/ links of a page: its scripts' `src` and its stylesheet's `href`. */
  async function linksOf(path: string): Promise<string[]> {
    const page = await t.http().get(path).set('Accept', 'text/html').expect(200);
    return [...page.text.matchAll(/(?:src|href)="(\/static\/[^"]*)"/g)].map((m) =>
      m[1].replace(/&amp;/g, '&'),
    );
  }

  // The login page links every proof's script, @simplewebauthn/browser's bundle among them.
  it.each([
    ['/login', ['proofgate.css', 'proofgate.js', 'vendor/simplewebauthn-browser.js']],
    ['/admin', ['proofgate.css', 'admin-console.js']],
    ['/challenge-models', ['proofgate.css', 'challenge-models.js']],
  ])(
    '%s links each file with its content’s version, and each is kept a year',
    async (path, files) => {
      const links = await linksOf(path);
      expect(links.map((link) => link.slice('/static/'.length).split('?')[0])).toEqual(
        expect.arrayContaining(files),
      );
      for (const link of links) {
        expect(link).toMatch(/^\/static\/[\w/.-]+\.(js|css)\?v=[\w-]{16}$/);
        const res = await t.http().get(link).expect(200);
        expect(`${link.split('?')[0]}?v=${version(res.text)}`).toBe(link);
        expect(res.headers['cache-control']).toBe(VERSIONED_CACHE_CONTROL);
      }
    },
  );

  it('revalidates another version on each use, and keeps a link without one an hour', async () => {
    const [stylesheet] = (await linksOf('/login')).filter((link) => link.includes('.css'));
    const other = await t.http().get('/static/proofgate.css?v=AAAAAAAAAAAAAAAA').expect(200);
    expect(other.headers['cache-control']).toBe('no-cache');
    const bare = await t.http().get('/static/proofgate.css').expect(200);
    expect(bare.headers['cache-control']).toBe('public, max-age=3600');
    const current = await t.http().get(stylesheet).expect(200);
    expect([other.text, bare.text]).toEqual([current.text, current.text]);
  });
});
