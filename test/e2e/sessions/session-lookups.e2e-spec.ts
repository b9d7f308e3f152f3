/**
 * Every authorization request reads the browser's login session. Lookups asked for at the same
 * moment (concurrent requests under load) share one `find` on `sessions`, each request still
 * getting its own session, and nothing is remembered: a session ended or expired a moment ago is
 * not found by the next lookup.
 */
import type { mongo } from 'mongoose';
import { randomToken, sha256Base64Url } from '../../../src/platform/crypto/hashing';
import { SESSION_COLLECTION } from '../../../src/sessions/persistence/session.schema';
import { SESSION_COOKIE, SessionService } from '../../../src/sessions/session.service';
import { TestApp, createTestApp } from '../../support/test-app';

describe('login session lookups', () => {
  let t: TestApp;
  let sessions: SessionService;
  let finds: string[];
  const seen = (event: mongo.CommandStartedEvent) => {
    const reads = event.commandName === 'find' || event.commandName === 'aggregate';
    if (reads && event.command[event.commandName] === SESSION_COLLECTION) {
      finds.push(event.commandName);
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    sessions = t.app.get(SessionService);
    t.connection.getClient().on('commandStarted', seen);
  });
  afterAll(async () => {
    t.connection.getClient().off('commandStarted', seen);
    await t.close();
  });
  beforeEach(() => {
    finds = [];
  });

  /** A stored session of `sub` ending `ttlSeconds` from now; answers its cookie value. */
  async function storedSession(sub: string, ttlSeconds: number): Promise<string> {
    const value = randomToken(32);
    const now = t.clock.now();
    await t.connection.collection(SESSION_COLLECTION).insertOne({
      _id: sha256Base64Url(value) as never,
      sub,
      authMethod: 'password',
      authTime: now,
      expiresAt: new Date(now.getTime() + ttlSeconds * 1000),
    });
    return value;
  }

  const browser = (value: string) => ({ headers: { cookie: `${SESSION_COOKIE}=${value}` } });
  const subOf = async (value: string) => (await sessions.current(browser(value)))?.sub ?? null;

  it('lookups of one moment share one find, each answered with its own session', async () => {
    const alice = await storedSession('alice', 3600);
    const bob = await storedSession('bob', 3600);
    const expired = await storedSession('carol', -1);
    const unknown = randomToken(32);
    finds = [];
    // Asked in the same turn of the event loop, as concurrent authorization requests are.
    await expect(
      Promise.all([subOf(alice), subOf(bob), subOf(expired), subOf(unknown), subOf(alice)]),
    ).resolves.toEqual(['alice', 'bob', null, null, 'alice']);
    expect(finds).toEqual(['find']);
  });

  it('remembers nothing: a session deleted or past its end is not found by the next lookup', async () => {
    const alice = await storedSession('alice', 60);
    await expect(subOf(alice)).resolves.toBe('alice');
    t.clock.advance(61);
    try {
      await expect(subOf(alice)).resolves.toBeNull();
    } finally {
      t.clock.advance(-61);
    }
    await expect(subOf(alice)).resolves.toBe('alice');
    await t.connection
      .collection(SESSION_COLLECTION)
      .deleteOne({ _id: sha256Base64Url(alice) as never });
    await expect(subOf(alice)).resolves.toBeNull();
    expect(finds).toEqual(['find', 'find', 'find', 'find']);
  });
});
