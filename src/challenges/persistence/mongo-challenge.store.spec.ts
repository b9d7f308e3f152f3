import type { Model } from 'mongoose';
import { SystemClock } from '../../platform/clock/clock';
import type { DomainEvents } from '../../platform/events/domain-events';
import type { ChallengeRecord } from './challenge.schema';
import { MongoChallengeStore } from './mongo-challenge.store';

describe('MongoChallengeStore.peek', () => {
  const live = {
    _id: 'k',
    kind: 'device_code',
    binding: { client_id: 'c' },
    payload: { status: 'pending' },
    createdAt: new Date(0),
    expiresAt: new Date(Date.now() + 60_000),
    spentAt: null,
  };

  function storeReading(record: Record<string, unknown> | null): MongoChallengeStore {
    const collection = { findOne: () => Promise.resolve(record) };
    const model = { collection } as unknown as Model<ChallengeRecord>;
    return new MongoChallengeStore(model, new SystemClock(), {} as DomainEvents);
  }

  it('gives a live challenge with its payload', async () => {
    await expect(storeReading(live).peek('device_code', 'code')).resolves.toEqual(
      expect.objectContaining({ payload: { status: 'pending' }, binding: { client_id: 'c' } }),
    );
  });

  it.each([
    ['nothing', null],
    ['a record read mid-consume, its payload gone', { ...live, payload: undefined }],
    ['a record read mid-consume, spent', { ...live, spentAt: new Date() }],
  ])('gives no live challenge for %s', async (_name, record) => {
    await expect(storeReading(record).peek('device_code', 'code')).resolves.toBeNull();
  });
});
