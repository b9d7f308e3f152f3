import { documentCacheSeconds } from './client-metadata-documents.service';

describe('documentCacheSeconds (Cache-Control of a client metadata document)', () => {
  it.each([
    ['max-age=600', 600],
    ['public, max-age=3600', 3600],
    ['max-age="900"', 900],
    // Floor: a document is not fetched again on every request ...
    ['max-age=5', 300],
    ['max-age=0', 300],
    // ... and no-store / no-cache, or nothing, mean the floor too.
    ['no-store', 300],
    ['no-cache, max-age=600', 300],
    ['max-age=600, no-store', 300],
    [undefined, 300],
    ['', 300],
    // Cap: a changed document (a removed redirect URI) is seen within a day.
    ['max-age=31536000', 86_400],
    // s-maxage is for shared caches; a directive merely ending in max-age is not max-age.
    ['s-maxage=600', 300],
    ['x-max-age=600', 300],
  ])('%j → %d s', (header, seconds) => {
    expect(documentCacheSeconds(header)).toBe(seconds);
  });
});
