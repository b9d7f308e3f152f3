import { randomBytes } from 'node:crypto';
import type { mongo } from 'mongoose';
import { ChallengeStore } from '../../../src/challenges/challenge-store';
import { GrantRepository } from '../../../src/tokens/grants/grant.repository';
import type { DpopBinding, Grant } from '../../../src/tokens/grants/grant';
import { useTestApp } from '../../support/use-test-app';

/**
 * Group commit on the real database: writes asked for in one turn of the event loop leave in one
 * command, and each is acknowledged and stored on its own. (Through HTTP, how many requests one
 * turn handles depends on arrival; here the writes are asked for together on purpose.)
 */
describe('group commit of challenge inserts, redemptions and grant opens', () => {
  let commands: string[];

  const t = useTestApp();
  beforeAll(() => {
    commands = [];
    // The two collections under test: the app's own periodic writes (challenge_minutes'
    // roll-up, outboxes) may land in the same window and are not what is counted here.
    t.connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
      const collection = String(event.command[event.commandName]);
      if (['challenges', 'grants'].includes(collection)) {
        commands.push(`${event.commandName} ${collection}`);
      }
    });
  });
  beforeEach(() => {
    commands = [];
  });

  const key = () => randomBytes(32).toString('base64url');

  /** A password login's grant of the demo client, live for an hour, with its first refresh token. */
  const aGrant = (fields: Partial<Grant> = {}): Grant => {
    const now = t.clock.now();
    return {
      grantId: randomBytes(16).toString('base64url').slice(0, 22),
      clientId: 'demo-client',
      sub: 'user0',
      scope: 'openid',
      authMethod: 'password',
      createdAt: now,
      expiresAt: new Date(now.getTime() + 3_600_000),
      refresh: { current: key(), retries: 0, spent: [] },
      ...fields,
    };
  };

  it('inserts the challenges of one turn in one command, each of them stored', async () => {
    const store = t.app.get(ChallengeStore);
    const keys = Array.from({ length: 30 }, key);
    const issued = await Promise.all(
      keys.map((k) =>
        store.issue({
          kind: 'wallet_nonce',
          key: k,
          binding: { address: '0x0000000000000000000000000000000000000001', chainId: '1' },
          payload: {},
          ttlSeconds: 300,
        }),
      ),
    );
    expect(commands).toEqual(['insert challenges']);
    expect(new Set(issued.map((c) => c.keyHash)).size).toBe(30);
    const found = await Promise.all(keys.map((k) => store.peek('wallet_nonce', k)));
    expect(found.every((c) => c !== null)).toBe(true);
  });

  it('redeems the consumes of one turn in three commands, each with its own payload, one alone in one', async () => {
    const store = t.app.get(ChallengeStore);
    const binding = { client_id: 'demo-client' };
    const keys = Array.from({ length: 20 }, key);
    await Promise.all(
      keys.map((k, i) =>
        store.issue({
          kind: 'authorization_code',
          key: k,
          binding,
          payload: { i },
          ttlSeconds: 60,
        }),
      ),
    );
    commands = [];

    const redeemed = await Promise.all(
      keys.map((k) => store.consume<{ i: number }>('authorization_code', k, binding)),
    );

    // Spend and mark, read back, drop the payloads: not one findAndModify each.
    expect(commands).toEqual(['update challenges', 'find challenges', 'update challenges']);
    expect(redeemed.map((r) => r.ok && r.challenge.payload.i)).toEqual(keys.map((_, i) => i));

    const alone = key();
    await store.issue({
      kind: 'authorization_code',
      key: alone,
      binding,
      payload: {},
      ttlSeconds: 60,
    });
    commands = [];
    expect((await store.consume('authorization_code', alone, binding)).ok).toBe(true);
    expect(commands).toEqual(['findAndModify challenges']);
  });

  it('opens the grants of one turn in one command, each of them stored', async () => {
    const grants = t.app.get(GrantRepository);
    const opened = Array.from({ length: 20 }, (_, i) => aGrant({ sub: `user${i}` }));
    await Promise.all(opened.map((g) => grants.open(g)));
    expect(commands).toEqual(['update grants']);
    const found = await Promise.all(opened.map((g) => grants.findById(g.grantId)));
    expect(found.map((g) => g?.sub)).toEqual(opened.map((g) => g.sub));
  });

  it('keeps a grant a replay revoked first, when its open shares a command with others', async () => {
    const grants = t.app.get(GrantRepository);
    const raced = aGrant();
    const now = t.clock.now();
    const expires = new Date(now.getTime() + 3_600_000);
    await grants.revokeForReplay(raced.grantId, 'demo-client', 'code_replay', now, expires);
    const others = Array.from({ length: 5 }, () => aGrant());
    await Promise.all([raced, ...others].map((g) => grants.open(g)));
    const stored = await grants.findById(raced.grantId);
    expect(stored?.revokedAt).toBeInstanceOf(Date);
    expect(stored?.revokedReason).toBe('code_replay');
    expect((await grants.findById(others[0].grantId))?.revokedAt).toBeUndefined();
  });

  describe('refresh rotations of one turn', () => {
    async function opened(fields: Partial<Grant> = {}): Promise<Grant> {
      const grant = aGrant(fields);
      await t.app.get(GrantRepository).open(grant);
      return grant;
    }

    const rotate = (
      grant: Grant,
      { clientId = grant.clientId, presented = grant.refresh.current, successor = key() } = {},
      dpop?: DpopBinding,
    ) =>
      t.app.get(GrantRepository).rotateIfCurrent(clientId, {
        grantId: grant.grantId,
        presented,
        successor,
        now: t.clock.now(),
        ...(dpop === undefined ? {} : { dpop }),
      });

    it('rotates the refreshes of one turn in two commands, each grant once; one alone in one', async () => {
      const grants = await Promise.all(Array.from({ length: 20 }, () => opened()));
      const successors = grants.map(() => key());
      commands = [];

      const rotated = await Promise.all(
        grants.map((grant, i) => rotate(grant, { successor: successors[i] })),
      );

      // One bulk of updateOne, each with its own filter and update; one read back.
      expect(commands).toEqual(['update grants', 'find grants']);
      expect(rotated.map((grant) => grant?.refresh.current)).toEqual(successors);
      for (const [i, grant] of grants.entries()) {
        const stored = await t.app.get(GrantRepository).findById(grant.grantId);
        expect(stored?.refresh).toMatchObject({
          current: successors[i],
          spent: [grant.refresh.current],
        });
      }

      const alone = await opened();
      commands = [];
      expect(await rotate(alone)).not.toBeNull();
      expect(commands).toEqual(['findAndModify grants']);
    });

    it('rotates in a batch only what it would rotate alone, and leaves the rest as it was', async () => {
      const jkt = 'thumbprint-of-the-bound-key-0000000000000';
      const [good, other, retried, revoked, expired, bound, keyBound] = await Promise.all([
        opened(),
        opened(),
        opened(),
        opened(),
        opened({ expiresAt: new Date(t.clock.now().getTime() + 1000) }),
        opened({ dpopBound: true }),
        opened({ dpopJkt: jkt }),
      ]);
      // A token rotated already, presented again with the successor it was given (a retry).
      const retriedSuccessor = key();
      expect(await rotate(retried, { successor: retriedSuccessor })).not.toBeNull();
      await t.app.get(GrantRepository).revoke(revoked.grantId, 'test', t.clock.now());
      t.clock.advance(2);

      const results = await Promise.all([
        rotate(good),
        rotate(other, { clientId: 'another-client' }),
        rotate(retried, { successor: retriedSuccessor }),
        rotate(revoked),
        rotate(expired),
        rotate(bound),
        rotate(
          keyBound,
          {},
          { jkt: 'another-key-thumbprint-00000000000000000000', bindRefresh: true },
        ),
      ]);

      expect(results.map((grant) => grant?.grantId ?? null)).toEqual([
        good.grantId,
        null,
        null,
        null,
        null,
        null,
        null,
      ]);
      for (const grant of [other, revoked, expired, bound, keyBound]) {
        const stored = await t.app.get(GrantRepository).findById(grant.grantId);
        expect(stored?.refresh).toMatchObject({ current: grant.refresh.current, spent: [] });
      }
    });

    it('gives one rotation per grant to 10 tries of each of 3 grants in one turn', async () => {
      const grants = await Promise.all(Array.from({ length: 3 }, () => opened()));
      const successors = grants.map(() => key());

      const results = await Promise.all(
        grants.flatMap((grant, i) =>
          Array.from({ length: 10 }, () => rotate(grant, { successor: successors[i] })),
        ),
      );

      grants.forEach((_, i) => {
        const ofGrant = results.slice(i * 10, (i + 1) * 10);
        expect(ofGrant.filter((grant) => grant !== null)).toHaveLength(1);
      });
    });
  });
});
