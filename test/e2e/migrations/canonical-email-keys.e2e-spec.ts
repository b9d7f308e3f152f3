/**
 * Migration 2 (src/migrations/0002-canonical-email-keys.ts) on the test database: email method
 * keys an earlier build stored with a Unicode domain move to their ASCII form, with the account's
 * list of methods and the grants' and sessions' `methodKey`; a key whose ASCII form is another
 * account's, or whose address today's rules refuse, stays, with a line; a second run changes
 * nothing, and a run cut short is finished.
 */
import { randomBytes } from 'node:crypto';
import { mongo } from 'mongoose';
import { canonicalEmailKeys } from '../../../src/migrations/0002-canonical-email-keys';

type Doc = { _id: string; [field: string]: unknown };

describe('migrations: 0002 canonical email keys', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;
  const lines: string[] = [];
  const run = () =>
    canonicalEmailKeys.up({ db, log: (line) => lines.push(line), now: () => new Date() });
  const all = async (name: string) => db.collection<Doc>(name).find().sort({ _id: 1 }).toArray();
  const snapshot = async () =>
    Object.fromEntries(
      await Promise.all(
        ['account_methods', 'accounts', 'grants', 'sessions'].map(
          async (name) => [name, await all(name)] as const,
        ),
      ),
    );

  const addedAt = new Date('2026-11-20T10:00:00Z');
  const lastUsedAt = new Date('2026-11-21T10:00:00Z');

  beforeAll(async () => {
    client = await mongo.MongoClient.connect(process.env.MONGODB_URI!);
  });

  beforeEach(async () => {
    db = client.db(`proofgate_test_email_keys_${randomBytes(4).toString('hex')}`);
    lines.length = 0;
    await db.collection<Doc>('account_methods').insertMany([
      // An account of one method (no account record): created by the address.
      { _id: 'email:alice@exämple.com', type: 'email', sub: 'account:alice', addedAt, lastUsedAt },
      // An account of two methods, a password and an address.
      { _id: 'password:bob', type: 'password', sub: 'password:bob' },
      { _id: 'email:bob@bücher.example', type: 'email', sub: 'password:bob', addedAt },
      // Already in ASCII form (written by 1.0.0): untouched.
      { _id: 'email:carol@xn--exmple-cua.com', type: 'email', sub: 'account:carol' },
      // Its ASCII form is another account's: reported, not merged.
      { _id: 'email:dave@dömain.example', type: 'email', sub: 'account:dave-old' },
      { _id: 'email:dave@xn--dmain-jua.example', type: 'email', sub: 'account:dave-new' },
      // A local part today's rules refuse: kept as it is.
      { _id: 'email:jürgen@exämple.com', type: 'email', sub: 'account:jurgen' },
    ]);
    await db.collection<Doc>('accounts').insertMany([
      {
        _id: 'password:bob',
        createdAt: addedAt,
        methods: ['password:bob', 'email:bob@bücher.example'],
      },
    ]);
    await db.collection<Doc>('grants').insertMany([
      { _id: 'g1', sub: 'account:alice', methodKey: 'email:alice@exämple.com', clientId: 'c' },
      { _id: 'g2', sub: 'password:bob', methodKey: 'email:bob@bücher.example', clientId: 'c' },
      { _id: 'g3', sub: 'password:bob', methodKey: 'password:bob', clientId: 'c' },
      { _id: 'g4', sub: 'account:dave-old', methodKey: 'email:dave@dömain.example' },
    ]);
    await db
      .collection<Doc>('sessions')
      .insertMany([{ _id: 's1', sub: 'account:alice', methodKey: 'email:alice@exämple.com' }]);
  });

  afterEach(() => db.dropDatabase());
  afterAll(() => client.close());

  it('moves each Unicode-domain key to its ASCII form, with what names it', async () => {
    await run();
    expect(await all('account_methods')).toEqual([
      {
        _id: 'email:alice@xn--exmple-cua.com',
        type: 'email',
        sub: 'account:alice',
        addedAt,
        lastUsedAt,
      },
      { _id: 'email:bob@xn--bcher-kva.example', type: 'email', sub: 'password:bob', addedAt },
      { _id: 'email:carol@xn--exmple-cua.com', type: 'email', sub: 'account:carol' },
      { _id: 'email:dave@dömain.example', type: 'email', sub: 'account:dave-old' },
      { _id: 'email:dave@xn--dmain-jua.example', type: 'email', sub: 'account:dave-new' },
      { _id: 'email:jürgen@exämple.com', type: 'email', sub: 'account:jurgen' },
      { _id: 'password:bob', type: 'password', sub: 'password:bob' },
    ]);
    expect((await all('accounts'))[0].methods).toEqual([
      'password:bob',
      'email:bob@xn--bcher-kva.example',
    ]);
    expect((await all('grants')).map(({ _id, methodKey }) => [_id, methodKey])).toEqual([
      ['g1', 'email:alice@xn--exmple-cua.com'],
      ['g2', 'email:bob@xn--bcher-kva.example'],
      ['g3', 'password:bob'],
      ['g4', 'email:dave@dömain.example'],
    ]);
    expect((await all('sessions'))[0].methodKey).toBe('email:alice@xn--exmple-cua.com');
  });

  it('reports a collision and a refused address in one line each, and counts what moved', async () => {
    await run();
    expect(lines).toEqual([
      'Email method email:dave@dömain.example of account:dave-old not rewritten: its ASCII form email:dave@xn--dmain-jua.example signs in account:dave-new already; nothing merged (remove one with proofgate-admin, then start again)',
      'Email method email:jürgen@exämple.com of account:jurgen kept as it is: its address must have an ASCII part before the @ (internationalised mailboxes are not sent); it signs in no more',
      'Email method keys rewritten to their ASCII form: 2',
    ]);
  });

  it('changes nothing when run again', async () => {
    await run();
    const once = await snapshot();
    await run();
    expect(await snapshot()).toEqual(once);
    expect(lines.at(-1)).toBe('Email method keys rewritten to their ASCII form: 0');
  });

  it('finishes a run cut short after the new record was written', async () => {
    // What a start stopped after the first write of Alice's move leaves behind.
    await db.collection<Doc>('account_methods').insertOne({
      _id: 'email:alice@xn--exmple-cua.com',
      type: 'email',
      sub: 'account:alice',
      addedAt,
      lastUsedAt,
    });
    await db.collection<Doc>('accounts').updateOne({ _id: 'password:bob' }, {
      $push: { methods: 'email:bob@xn--bcher-kva.example' },
    } as never);
    await run();
    const methods = await all('account_methods');
    expect(methods.map(({ _id }) => _id)).not.toContain('email:alice@exämple.com');
    expect((await all('accounts'))[0].methods).toEqual([
      'password:bob',
      'email:bob@xn--bcher-kva.example',
    ]);
    expect((await all('sessions'))[0].methodKey).toBe('email:alice@xn--exmple-cua.com');
    expect(lines.at(-1)).toBe('Email method keys rewritten to their ASCII form: 2');
  });
});
