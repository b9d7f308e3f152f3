import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PUBLIC_DIR, assetUrl, assetVersion } from './static-files';

describe('assetUrl', () => {
  it('links a file of src/public with the SHA-256 of its bytes', () => {
    const css = readFileSync(join(PUBLIC_DIR, 'proofgate.css'));
    const sha = createHash('sha256').update(css).digest('base64url');
    expect(assetUrl('/static/proofgate.css')).toBe(`/static/proofgate.css?v=${sha.slice(0, 16)}`);
  });

  it('leaves a path that names no file as it is', () => {
    expect(assetUrl('/static/no-such-file.js')).toBe('/static/no-such-file.js');
    expect(assetUrl('/login')).toBe('/login');
  });
});

describe('assetVersion', () => {
  const dir = mkdtempSync(join(tmpdir(), 'proofgate-assets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('follows an edit of the file: another version once its contents change', () => {
    const file = join(dir, 'page.js');
    writeFileSync(file, 'one();');
    const first = assetVersion(file);
    writeFileSync(file, 'two();');
    // The same size, and a modification time of its own (a file system may keep whole seconds).
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    // Looked at again once a second at most: until then, the version it had.
    expect(assetVersion(file)).toBe(first);
    jest.advanceTimersByTime(1_000);
    expect(assetVersion(file)).not.toBe(first);
    expect(assetVersion(file)).toBe(assetVersion(file));
    expect(assetVersion(join(dir, 'missing.js'))).toBeUndefined();
  });
});
