import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AccountService, SignInDecision } from '../../accounts/account.service';
import { AccountDisabled, SignInMethodRemoved } from '../../accounts/accounts.errors';
import type { TokenConfig } from '../../config/sections/tokens.config';
import type { ServerConfig } from '../../config/sections/server.config';
import type { OAuthConfig } from '../../config/sections/oauth.config';
import { Clock } from '../../platform/clock/clock';
import { InvalidGrant } from '../../platform/errors/protocol-error';
import { DomainEvents } from '../../platform/events/domain-events';
import type { AccessTokenService } from '../access-token.service';
import type { IdTokenService } from '../id-token.service';
import { ResourceScopes } from '../resource-scopes';
import type { Grant } from './grant';
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

/** No API declared scopes of its own (RESOURCE_SERVERS unset). */
const NO_RESOURCE_SCOPES = new ResourceScopes(
  { resourceServers: [] },
  { audience: 'api' } as TokenConfig,
  { issuer: 'https://issuer.example' } as ServerConfig,
  { clients: [] } as unknown as OAuthConfig,
);

const START: StartGrant = {
  grantId: 'g1',
  clientId: 'demo',
  sub: 'user-1',
  scope: 'profile',
  authMethod: 'password',
  sid: 'sid-1',
};

/** An issuer over these grants and accounts, whose access tokens name their subject. */
function issuerOver(
  grants: Pick<GrantRepository, 'open' | 'revoke'>,
  accounts: Partial<AccountService>,
): GrantTokenIssuer {
  return new GrantTokenIssuer(
    grants as GrantRepository,
    { mint: () => ({ token: 'rt', hash: 'rt-hash' }) } as unknown as RefreshTokenRotation,
    {
      sign: ({ sub }: { sub: string }) =>
        Promise.resolve({ token: `at-for-${sub}`, expiresIn: 300 }),
    } as unknown as AccessTokenService,
    {} as IdTokenService,
    new DomainEvents(new EventEmitter2()),
    new FixedClock(),
    { refreshTokenTtlSeconds: 3600, audience: 'api' } as TokenConfig,
    accounts as AccountService,
    NO_RESOURCE_SCOPES,
  );
}

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
  return { issuer: issuerOver(grants, accounts), revoked };
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

describe('GrantTokenIssuer.startGrant: a grant whose method decides its subject (a wallet)', () => {
  const WALLET = 'eip155:1:0x0000000000000000000000000000000000000001';
  const WALLET_START: StartGrant = {
    grantId: 'g2',
    clientId: 'dapp',
    sub: WALLET,
    methodDecidesSubject: true,
    methodKey: WALLET,
    scope: 'profile',
    authMethod: 'siwe',
  };

  /**
   * An issuer over an account store that answers `decision` (or fails with it), then `recheck`
   * after a move.
   */
  function issuerDeciding(decision: SignInDecision | Error, recheck: () => Promise<void>) {
    const opened: string[] = [];
    const revoked: { sub: string; reason: string }[] = [];
    const rechecked: string[] = [];
    const grants: Pick<GrantRepository, 'open' | 'revoke'> = {
      open: (grant) => {
        opened.push(grant.sub);
        return Promise.resolve();
      },
      revoke: (_id, reason) => {
        revoked.push({ sub: opened[opened.length - 1], reason });
        return Promise.resolve(true);
      },
    };
    const accounts: Pick<AccountService, 'assertMaySignIn' | 'signInOf'> = {
      signInOf: () =>
        after(1, () => {
          if (decision instanceof Error) throw decision;
          return decision;
        }),
      assertMaySignIn: (sub) => {
        rechecked.push(sub);
        return recheck();
      },
    };
    return { issuer: issuerOver(grants, accounts), opened, revoked, rechecked };
  }

  it('a wallet that is its own account: written once, checked by one read, no move', async () => {
    const run = issuerDeciding({ sub: WALLET }, () => Promise.reject(new Error('not asked')));
    const response = await run.issuer.startGrant(WALLET_START);
    expect(response.access_token).toBe(`at-for-${WALLET}`);
    expect(run.opened).toEqual([WALLET]);
    expect(run.rechecked).toEqual([]);
    expect(run.revoked).toEqual([]);
  });

  it('a wallet an account lists: the grant moves to that account, which is checked again after the move', async () => {
    const run = issuerDeciding({ sub: 'user1' }, () => Promise.resolve());
    const response = await run.issuer.startGrant(WALLET_START);
    expect(run.opened).toEqual([WALLET, 'user1']);
    expect(run.rechecked).toEqual(['user1']);
    // The token that leaves names the account; the one signed beside the first check does not.
    expect(response.access_token).toBe('at-for-user1');
  });

  it('refuses, and revokes the moved grant, when a lock-down lands between the read and the move', async () => {
    // The lock-down's listing of the account's grants ran before the move and missed this one:
    // only the check after the move can see its flag.
    const run = issuerDeciding({ sub: 'user1' }, () =>
      after(1, () => Promise.reject(new AccountDisabled())),
    );
    await expect(run.issuer.startGrant(WALLET_START)).rejects.toBeInstanceOf(AccountDisabled);
    expect(run.opened).toEqual([WALLET, 'user1']);
    expect(run.revoked).toEqual([{ sub: 'user1', reason: 'account_disabled' }]);
  });

  it('an account that refuses at once: the grant is moved to it, then revoked, and nothing is rechecked', async () => {
    const run = issuerDeciding({ sub: 'user1', refusal: new SignInMethodRemoved() }, () =>
      Promise.reject(new Error('not asked')),
    );
    await expect(run.issuer.startGrant(WALLET_START)).rejects.toBeInstanceOf(SignInMethodRemoved);
    expect(run.opened).toEqual([WALLET, 'user1']);
    expect(run.revoked).toEqual([{ sub: 'user1', reason: 'method_removed' }]);
    expect(run.rechecked).toEqual([]);
  });

  it('the wallet’s own account refusing: revoked where it was written', async () => {
    const run = issuerDeciding({ sub: WALLET, refusal: new AccountDisabled() }, () =>
      Promise.reject(new Error('not asked')),
    );
    await expect(run.issuer.startGrant(WALLET_START)).rejects.toBeInstanceOf(AccountDisabled);
    expect(run.opened).toEqual([WALLET]);
    expect(run.revoked).toEqual([{ sub: WALLET, reason: 'account_disabled' }]);
  });

  it('a check that fails (the database unreachable) revokes the grant: no grant outlives an unanswered check', async () => {
    const run = issuerDeciding(new Error('connection refused'), () =>
      Promise.reject(new Error('not asked')),
    );
    await expect(run.issuer.startGrant(WALLET_START)).rejects.toThrow('connection refused');
    expect(run.opened).toEqual([WALLET]);
    expect(run.revoked).toEqual([{ sub: WALLET, reason: 'account_disabled' }]);
  });
});

describe('GrantTokenIssuer.startGrant: a device grant never carries an acr', () => {
  /** The grant written and the access token claims signed, for one start. */
  async function started(input: StartGrant) {
    const opened: Grant[] = [];
    const signed: { acr?: string }[] = [];
    const issuer = new GrantTokenIssuer(
      {
        open: (grant: Grant) => {
          opened.push(grant);
          return Promise.resolve();
        },
      } as unknown as GrantRepository,
      { mint: () => ({ token: 'rt', hash: 'rt-hash' }) } as unknown as RefreshTokenRotation,
      {
        sign: (claims: { acr?: string }) => {
          signed.push(claims);
          return Promise.resolve({ token: 'at', expiresIn: 300 });
        },
      } as unknown as AccessTokenService,
      {} as IdTokenService,
      new DomainEvents(new EventEmitter2()),
      new FixedClock(),
      { refreshTokenTtlSeconds: 3600, audience: 'api' } as TokenConfig,
      { assertMaySignIn: () => Promise.resolve() } as unknown as AccountService,
      NO_RESOURCE_SCOPES,
    );
    await issuer.startGrant(input);
    return { grant: opened[0], claims: signed[0] };
  }

  it('drops a phr handed to a device grant (RFC 8628 §5.4), from the grant and its token', async () => {
    const { grant, claims } = await started({
      ...START,
      acr: 'phr',
      grantType: 'urn:ietf:params:oauth:grant-type:device_code',
    });
    expect(grant.grantType).toBe('urn:ietf:params:oauth:grant-type:device_code');
    expect(grant.acr).toBeUndefined();
    expect(claims.acr).toBeUndefined();
  });

  it('keeps the acr of any other sign-in', async () => {
    const { grant, claims } = await started({ ...START, acr: 'phr' });
    expect(grant.acr).toBe('phr');
    expect(claims.acr).toBe('phr');
  });
});
