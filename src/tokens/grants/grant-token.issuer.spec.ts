import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AccountService } from '../../accounts/account.service';
import { AccountDisabled } from '../../accounts/accounts.errors';
import type { TokenConfig } from '../../config/sections/tokens.config';
import { Clock } from '../../platform/clock/clock';
import { InvalidGrant } from '../../platform/errors/protocol-error';
import { DomainEvents } from '../../platform/events/domain-events';
import type { AccessTokenService } from '../access-token.service';
import type { IdTokenService } from '../id-token.service';
import type { GrantRepository } from './grant.repository';
import { GrantTokenIssuer, type StartGrant } from './grant-token.issuer';
import type { RefreshTokenRotation } from './refresh-token.rotation';

class FixedClock extends Clock {
  now(): Date {
    return new Date('2026-01-01T00:00:00Z');
  }
}

/** Resolves or rejects after `turns` turns of the event loop: which check answers first. */
function after<T>(turns: number, outcome: () => T): Promise<Awaited<T>> {
  return new Promise((resolve, reject) => {
    const step = (left: number) => {
      if (left > 0) return setImmediate(() => step(left - 1));
      try {
        resolve(outcome() as Awaited<T>);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    step(turns);
  });
}

const START: StartGrant = {
  grantId: 'g1',
  clientId: 'demo',
  sub: 'user-1',
  scope: 'profile',
  authMethod: 'password',
  sid: 'sid-1',
};

function issuerWhose(accountTurns: number) {
  const revoked: string[] = [];
  const grants: Pick<GrantRepository, 'open' | 'revoke'> = {
    open: () => Promise.resolve(),
    revoke: (_id, reason) => {
      revoked.push(reason);
      return Promise.resolve(true);
    },
  };
  const accounts: Pick<AccountService, 'assertMaySignIn'> = {
    assertMaySignIn: () =>
      after(accountTurns, () => {
        throw new AccountDisabled();
      }),
  };
  const issuer = new GrantTokenIssuer(
    grants as GrantRepository,
    { mint: () => ({ token: 'rt', hash: 'rt-hash' }) } as unknown as RefreshTokenRotation,
    {
      sign: () => Promise.resolve({ token: 'at', expiresIn: 300 }),
    } as unknown as AccessTokenService,
    {} as IdTokenService,
    new DomainEvents(new EventEmitter2()),
    new FixedClock(),
    { refreshTokenTtlSeconds: 3600, audience: 'api' } as TokenConfig,
    accounts as AccountService,
  );
  return { issuer, revoked };
}

describe('GrantTokenIssuer.startGrant: the checks after the write', () => {
  // A lock-down also ends the account's login sessions, so the caller's check (the session has
  // ended) refuses too; which of the two answers first depends on the database's timing.
  for (const [accountTurns, callerTurns] of [
    [1, 5],
    [5, 1],
  ]) {
    it(`answers the account's refusal when both refuse (account after ${accountTurns} turns, session after ${callerTurns})`, async () => {
      const { issuer, revoked } = issuerWhose(accountTurns);
      const sessionEnded = () =>
        after(callerTurns, () => {
          throw new InvalidGrant('The login session this grant was authorized in has ended');
        });
      await expect(
        issuer.startGrant(START, undefined, undefined, sessionEnded),
      ).rejects.toBeInstanceOf(AccountDisabled);
      expect(revoked).toEqual(['account_disabled']);
    });
  }
});
