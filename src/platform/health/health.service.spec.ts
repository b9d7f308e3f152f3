import type { Connection } from 'mongoose';
import { HealthService } from './health.service';

/** A connection whose pings wait for the test to answer them. */
function connection() {
  const pending: Array<{ answer: () => void; fail: () => void }> = [];
  const command = jest.fn(
    () =>
      new Promise<void>((resolve, reject) =>
        pending.push({ answer: resolve, fail: () => reject(new Error('closed')) }),
      ),
  );
  return { connection: { db: { command } } as unknown as Connection, command, pending };
}

describe('HealthService', () => {
  it('reports the database down when its ping outlasts the deadline, and checks meanwhile share that ping', async () => {
    const { connection: hung, command } = connection();
    const health = new HealthService(hung);

    const reports = await Promise.all([health.check(20), health.check(20), health.check(20)]);

    expect(reports.map((report) => report.checks.database.status)).toEqual([
      'down',
      'down',
      'down',
    ]);
    expect(reports[0].status).toBe('unavailable');
    expect(command).toHaveBeenCalledTimes(1);
    // Still unanswered: a later check waits on the same ping, adding no command.
    expect((await health.check(20)).checks.database.status).toBe('down');
    expect(command).toHaveBeenCalledTimes(1);
  });

  it('is up once a ping answers in time, and pings again after one settled, failed or not', async () => {
    const { connection: db, command, pending } = connection();
    const health = new HealthService(db);

    const first = health.check(1000);
    pending[0].answer();
    expect(await first).toMatchObject({ status: 'ok', checks: { database: { status: 'up' } } });

    const second = health.check(1000);
    expect(command).toHaveBeenCalledTimes(2);
    pending[1].fail();
    expect((await second).checks.database.status).toBe('down');

    const third = health.check(1000);
    expect(command).toHaveBeenCalledTimes(3);
    pending[2].answer();
    expect((await third).checks.database.status).toBe('up');
  });

  it('is down, without a command, while the connection has no database', async () => {
    const health = new HealthService({ db: undefined } as unknown as Connection);
    expect((await health.check(1000)).checks.database.status).toBe('down');
    expect((await health.check(1000)).checks.database.status).toBe('down');
  });
});
