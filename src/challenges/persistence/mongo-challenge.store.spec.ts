import type { Model } from 'mongoose';
import { SystemClock } from '../../platform/clock/clock';
import { sha256Base64Url } from '../../platform/crypto/hashing';
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

describe('MongoChallengeStore.peek, several in one turn', () => {
  const record = (key: string, fields: Record<string, unknown> = {}) => ({
    _id: sha256Base64Url(key),
    kind: 'oid4vp_state',
    binding: {},
    payload: { nonce: key },
    createdAt: new Date(0),
    expiresAt: new Date(Date.now() + 60_000),
    spentAt: null,
    ...fields,
  });

  it('reads them with one find, each judged live by its own kind and expiry', async () => {
    const stored = [
      record('live'),
      record('other-kind', { kind: 'device_code' }),
      record('expired', { expiresAt: new Date(Date.now() - 1000) }),
    ];
    const finds: unknown[] = [];
    const collection = {
      findOne: () => Promise.reject(new Error('one find for the turn, not one each')),
      find: (filter: unknown) => {
        finds.push(filter);
        return { toArray: () => Promise.resolve(stored) };
      },
    };
    const store = new MongoChallengeStore(
      { collection } as unknown as Model<ChallengeRecord>,
      new SystemClock(),
      {} as DomainEvents,
    );

    const peeked = await Promise.all(
      ['live', 'other-kind', 'expired', 'unknown', 'live'].map((key) =>
        store.peek('oid4vp_state', key),
      ),
    );

    expect(finds).toHaveLength(1);
    expect(peeked.map((challenge) => challenge?.payload ?? null)).toEqual([
      { nonce: 'live' },
      null,
      null,
      null,
      { nonce: 'live' },
    ]);
  });
});
