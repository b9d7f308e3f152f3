/**
 * Issue #31, item 4: `security_events` is capped per source. A refused request that is an attack
 * (a replayed wallet message here) used to write one document each, so anyone repeating one grew
 * the collection without bound; now one document per (type, source, minute) counts them. Readers
 * (SecurityEventLog.count, the runbooks' `db.security_events.find({type})`) and the 90-day TTL
 * keep working.
 */
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { SecurityEventLog } from '../../../src/telemetry/security-events/security-event.log';
import { signedSiweMessage, type SignedMessage } from '../../support/wallet-login';
import { expectRefusal } from '../../support/refusal';
import { useTestApp } from '../../support/use-test-app';
import { placeInWindow } from '../../support/rate-limit-window';

const REPLAYS = 50;

describe('security_events: one document per type, source and minute, counted', () => {
  const t = useTestApp({
    SIWE_CHAIN_IDS: '1',
    RATE_LIMIT_WALLET_PER_IP: '100000',
    RATE_LIMIT_WALLET_PER_ADDRESS: '100000',
  });

  const events = () => t.connection.collection('security_events');
  const verify = (body: SignedMessage) => t.http().post('/wallet/verify').send(body);

  /** A wallet's login message, signed and used once. */
  async function usedMessage(wallet: PrivateKeyAccount): Promise<SignedMessage> {
    const signed = await signedSiweMessage(t, wallet);
    await verify(signed).expect(200);
    return signed;
  }

  async function replay(signed: SignedMessage, times: number): Promise<void> {
    const answers = await Promise.all(Array.from({ length: times }, () => verify(signed)));
    for (const res of answers) {
      expectRefusal(
        res,
        401,
        'nonce_already_used',
        'The nonce has already been used; request a new one',
      );
    }
  }

  it(`${REPLAYS} replays from one source in a minute make one document with count ${REPLAYS}`, async () => {
    const wallet = privateKeyToAccount(generatePrivateKey());
    const signed = await usedMessage(wallet);
    // Half a second into a fresh minute: what follows happens within one minute.
    placeInWindow([t]);

    await replay(signed, REPLAYS);

    const documents = await events().find({ type: 'wallet_nonce_replay' }).toArray();
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({
      type: 'wallet_nonce_replay',
      source: documents[0].details.address,
      count: REPLAYS,
      at: expect.any(Date),
      lastAt: expect.any(Date),
    });
    expect(String(documents[0].source).toLowerCase()).toBe(wallet.address.toLowerCase());
    expect(await t.app.get(SecurityEventLog).count('wallet_nonce_replay')).toBe(REPLAYS);

    // Another source in the same minute: its own document.
    const other = await usedMessage(privateKeyToAccount(generatePrivateKey()));
    await replay(other, 3);
    expect(await events().countDocuments({ type: 'wallet_nonce_replay' })).toBe(2);

    // The next minute: a new document for the same source.
    t.clock.advance(60);
    await replay(signed, 2);
    expect(await events().countDocuments({ type: 'wallet_nonce_replay' })).toBe(3);
    expect(await t.app.get(SecurityEventLog).count('wallet_nonce_replay')).toBe(REPLAYS + 5);
    expect(
      await t.app
        .get(SecurityEventLog)
        .count('wallet_nonce_replay', { source: String(documents[0].source) }),
    ).toBe(REPLAYS + 2);
  });

  it('keeps its 90-day TTL index on the first event’s time', async () => {
    const indexes = await events().indexes();
    expect(indexes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: { at: 1 }, expireAfterSeconds: 90 * 86_400 }),
      ]),
    );
  });
});
