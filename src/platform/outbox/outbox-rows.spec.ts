import { isSameGiveUp, outboxStateOf, retryRefusal, type OutboxRow } from './outbox-rows';

const LOGOUT_GIVEN_UP = ['failed', 'dropped'];
const NOW = new Date('2026-11-28T09:00:00Z');
const LATER = new Date('2026-11-28T09:10:00Z');
const EARLIER = new Date('2026-11-28T08:50:00Z');

describe('outboxStateOf: where a row stands, from its stored fields', () => {
  it('a pending row no attempt of which failed is pending (never attempted, or one under way)', () => {
    expect(outboxStateOf({ status: 'pending' }, LOGOUT_GIVEN_UP)).toBe('pending');
  });

  it('a pending row with a failure on record is retrying', () => {
    expect(
      outboxStateOf({ status: 'pending', lastError: 'HTTP status 500' }, LOGOUT_GIVEN_UP),
    ).toBe('retrying');
  });

  it("each of the outbox's given-up statuses is given up, a last error or not", () => {
    expect(outboxStateOf({ status: 'failed', lastError: 'HTTP status 500' }, LOGOUT_GIVEN_UP)).toBe(
      'given_up',
    );
    expect(outboxStateOf({ status: 'dropped' }, LOGOUT_GIVEN_UP)).toBe('given_up');
    expect(outboxStateOf({ status: 'dead', lastError: 'EMESSAGE 554' }, ['dead'])).toBe('given_up');
  });

  it('a finished row is in none of the states, whatever error it kept', () => {
    expect(outboxStateOf({ status: 'delivered' }, LOGOUT_GIVEN_UP)).toBeUndefined();
    expect(outboxStateOf({ status: 'sent', lastError: 'EMESSAGE 451' }, ['dead'])).toBeUndefined();
  });
});

describe('retryRefusal: which rows a retry takes', () => {
  const givenUp = {
    id: 'r1',
    state: 'given_up' as const,
    status: 'dead',
    giveUpAt: LATER,
    holdsPayload: true,
  };

  it('refuses a row that is not given up, saying where it stands', () => {
    expect(retryRefusal({ ...givenUp, state: 'pending', status: 'pending' }, NOW, true)).toBe(
      'row r1 is pending, not given up: only a given-up row is retried',
    );
    expect(retryRefusal({ ...givenUp, state: 'retrying', status: 'pending' }, NOW, false)).toMatch(
      /^row r1 is retrying, not given up/,
    );
    expect(retryRefusal({ ...givenUp, state: undefined, status: 'sent' }, NOW, false)).toMatch(
      /^row r1 is finished \(sent\), not given up/,
    );
  });

  it('takes any given-up row of an outbox whose retry renews the give-up time (logout)', () => {
    expect(
      retryRefusal({ ...givenUp, giveUpAt: EARLIER, holdsPayload: false }, NOW, true),
    ).toBeUndefined();
  });

  it('else only one before its give-up time that still holds its payload (mail, CIBA)', () => {
    expect(retryRefusal(givenUp, NOW, false)).toBeUndefined();
    const expired = retryRefusal({ ...givenUp, giveUpAt: EARLIER }, NOW, false);
    expect(expired).toBe(
      'row r1 cannot be retried: what it carries expired at 2026-11-28T08:50:00.000Z ' +
        '(its payload is dropped once its give-up time passes); nothing left worth sending',
    );
    expect(retryRefusal({ ...givenUp, giveUpAt: NOW }, NOW, false)).toBe(
      expired?.replace('08:50', '09:00'),
    );
    expect(retryRefusal({ ...givenUp, holdsPayload: false }, NOW, false)).toMatch(
      /cannot be retried/,
    );
  });
});

describe('isSameGiveUp: whether a row is still the give-up a caller read (the If-Match of a retry)', () => {
  const givenUp: OutboxRow<unknown> = {
    id: 'row-1',
    state: 'given_up',
    status: 'failed',
    target: {},
    attempts: 3,
    createdAt: EARLIER,
    nextAttemptAt: NOW,
    giveUpAt: NOW,
    givenUpAt: NOW,
    holdsPayload: true,
  };

  it('is the same give-up: given up when read, after as many attempts', () => {
    expect(isSameGiveUp(givenUp, { givenUpAt: new Date(NOW), attempts: 3 })).toBe(true);
  });

  it('is not once retried (pending again), delivered, or given up anew', () => {
    const read = { givenUpAt: NOW, attempts: 3 };
    expect(isSameGiveUp({ ...givenUp, state: 'pending', attempts: 0 }, read)).toBe(false);
    expect(isSameGiveUp({ ...givenUp, state: undefined, status: 'delivered' }, read)).toBe(false);
    expect(isSameGiveUp({ ...givenUp, givenUpAt: LATER }, read)).toBe(false);
    expect(isSameGiveUp({ ...givenUp, attempts: 1 }, read)).toBe(false);
  });
});
