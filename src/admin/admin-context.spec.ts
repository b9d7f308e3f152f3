import { SERVICE_VERSION } from '../platform/version';
import { newerDataRefusal } from './admin-context';

describe('newerDataRefusal: which databases proofgate-admin works on', () => {
  it('works on a database of this build, an earlier one, or one no start has versioned yet', () => {
    expect(newerDataRefusal(undefined, 2)).toBeUndefined();
    expect(newerDataRefusal(0, 2)).toBeUndefined();
    expect(newerDataRefusal(1, 2)).toBeUndefined();
    expect(newerDataRefusal(2, 2)).toBeUndefined();
  });

  it('refuses one a later release migrated, naming both versions and the release', () => {
    const refusal = newerDataRefusal(3, 2);
    expect(refusal).toContain("data version is 3, newer than this build's 2");
    expect(refusal).toContain(`(Proofgate ${SERVICE_VERSION})`);
  });
});
