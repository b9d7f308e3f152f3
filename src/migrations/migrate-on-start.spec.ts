import { SERVICE_VERSION } from '../platform/version';
import { refusalOf } from './migrate-on-start';

describe('refusalOf: the one line a start ends with', () => {
  it('lets a database at the build version, a fresh one, a migrated one and a waited-for one serve', () => {
    expect(refusalOf({ kind: 'current', version: 2 })).toBeUndefined();
    expect(refusalOf({ kind: 'fresh', version: 2 })).toBeUndefined();
    expect(refusalOf({ kind: 'migrated', from: 0, version: 2, applied: [] })).toBeUndefined();
    expect(refusalOf({ kind: 'waited', version: 2, seconds: 1.5 })).toBeUndefined();
  });

  it.each([
    [
      { kind: 'newer', stored: 3, build: 2 } as const,
      `The database's data version is 3, newer than this build's 2 (Proofgate ${SERVICE_VERSION}): a later release has migrated it. Start that release or a later one; this one does not serve a database it cannot read.`,
    ],
    [
      { kind: 'timed_out', holder: 'host/1/ab', stored: 1, build: 2, seconds: 300 } as const,
      'Gave up after 300 s (MIGRATIONS_WAIT_SECONDS) waiting for host/1/ab to migrate the database from data version 1 to 2. If that instance is gone, its lease lapses within 30 s and the next start runs the migrations.',
    ],
    [
      { kind: 'failed', id: 2, name: 'x', version: 1, reason: 'the disk is full' } as const,
      'Migration 2 (x) failed: the disk is full. The database stays at data version 1; the next start runs the migration again.',
    ],
    [
      { kind: 'lost', id: 2, name: 'x', version: 1 } as const,
      'Lost the migration lease while migration 2 (x) ran: another instance took it once it had expired. The database stays at data version 1 or what that instance records; the next start goes on from there.',
    ],
  ])('refuses %j with one line', (outcome, line) => {
    expect(refusalOf(outcome)).toBe(line);
    expect(line).not.toContain('\n');
  });
});
