import type { Migration } from '../platform/database/migrations/migration';
import { baseline } from './0001-baseline-1-0-0';
import { canonicalEmailKeys } from './0002-canonical-email-keys';

/**
 * Every migration of this build, in order: the database's data version is the number of the
 * last it has had (docs/RELEASING.md, "Writing a migration"). A new one is a file
 * `NNNN-name.ts` beside these and one line here.
 */
export const MIGRATIONS: readonly Migration[] = [baseline, canonicalEmailKeys];
