import type { Migration } from '../platform/database/migrations/migration';

/**
 * Data version 1: the data as Proofgate 1.0.0 writes it, the first release with data versions.
 * A database of 1.0.0 (or of a build before it) has no data version; its first start of a
 * release with migrations records it at 0 and runs this step, which changes nothing: what 1.0.0
 * wrote is what this release reads.
 */
export const baseline: Migration = {
  id: 1,
  name: 'baseline-1-0-0',
  description: 'the data as Proofgate 1.0.0 writes it (nothing to change)',
  up: () => Promise.resolve(),
};
