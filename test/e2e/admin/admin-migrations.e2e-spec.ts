/**
 * proofgate-admin `migrations list` and `migrations status`: what the database's data version
 * says against this build's migrations, as a table and as JSON, before and after a start's
 * migrations, and with the lease held by another instance.
 */
import { MIGRATIONS } from '../../../src/migrations/migrations';
import { migrateDatabase } from '../../../src/platform/database/migrations/migrate-database';
import { MigrationLease } from '../../../src/platform/database/migrations/migration-lease';
import { adminCli } from '../../support/admin-cli';
import { useTestApp } from '../../support/use-test-app';

describe('proofgate-admin migrations', () => {
  const t = useTestApp();
  const db = () => t.connection.db!;
  const build = MIGRATIONS.length;

  it('says a database without a data version has every migration pending', async () => {
    await db().collection('data_version').deleteMany({});
    const status = await adminCli(t, ['--json', 'migrations', 'status']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({
      status: 'unversioned',
      data_version: null,
      build_data_version: build,
      since: null,
      created_at: null,
      applied: 0,
      pending: MIGRATIONS.map(({ id }) => id),
      lease: null,
    });
    const list = await adminCli(t, ['migrations', 'list']);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+STATE\s+APPLIED AT\s+BY\s+DESCRIPTION$/,
    );
    expect(list.stdout).toMatch(/^2\s+canonical-email-keys\s+pending\s+-\s+-\s+email method keys/m);
  });

  it('lists what a start applied, when and by which instance, and says the database is current', async () => {
    await db().collection('data_version').deleteMany({});
    await migrateDatabase(db(), MIGRATIONS, {
      holder: 'host-a/41/abcdef',
      release: '1.0.0',
      waitSeconds: 5,
      log: () => undefined,
    });
    const list = JSON.parse((await adminCli(t, ['--json', 'migrations', 'list'])).stdout) as {
      id: number;
      state: string;
      by: string;
      applied_at: string;
    }[];
    expect(list.map(({ id, state, by }) => [id, state, by])).toEqual(
      MIGRATIONS.map(({ id }) => [id, 'applied', 'host-a/41/abcdef']),
    );
    expect(Date.parse(list[0].applied_at)).toBeGreaterThan(Date.now() - 60_000);
    const status = await adminCli(t, ['migrations', 'status']);
    expect(status.stdout).toMatch(
      new RegExp(
        `^Data version ${build} \\(this build's: ${build}\\): current: nothing to run\\.\\nCreated at data version 0 on \\S+ \\S+; ${build} migration\\(s\\) applied, the last \\S+ \\S+ by host-a/41/abcdef\\.\\n$`,
      ),
    );
  });

  it('says a fresh database needed none, and names the holder of the lease', async () => {
    await db().collection('data_version').deleteMany({});
    await db()
      .collection('data_version')
      .insertOne({
        _id: 'proofgate',
        version: build,
        since: build,
        createdAt: new Date(),
        migrations: [],
      } as never);
    expect(await new MigrationLease(db(), 'host-b/7/123456', 30, () => new Date()).take()).toBe(
      true,
    );
    const list = JSON.parse((await adminCli(t, ['--json', 'migrations', 'list'])).stdout) as {
      state: string;
    }[];
    expect(list.map(({ state }) => state)).toEqual(MIGRATIONS.map(() => 'not needed'));
    const status = await adminCli(t, ['migrations', 'status']);
    expect(status.stdout).toContain('Migration lease: held by host-b/7/123456 until ');
    expect(
      JSON.parse((await adminCli(t, ['--json', 'migrations', 'status'])).stdout),
    ).toMatchObject({
      status: 'current',
      lease: { holder: 'host-b/7/123456' },
    });
  });

  it('says a database a later release migrated is newer', async () => {
    await db().collection('data_version').deleteMany({});
    await db()
      .collection('data_version')
      .insertOne({
        _id: 'proofgate',
        version: build + 1,
        since: 0,
        createdAt: new Date(),
        migrations: [],
      } as never);
    const status = await adminCli(t, ['migrations', 'status']);
    expect(status.stdout.split('\n')[0]).toBe(
      `Data version ${build + 1} (this build's: ${build}): newer than this build: a later release migrated it, and this build refuses to start on it.`,
    );
  });
});
