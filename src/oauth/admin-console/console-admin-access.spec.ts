import type { OperatorRepository } from '../../accounts/operators/operator';
import type { AdminConsoleConfig } from '../../config/sections/admin-console.config';
import { Clock } from '../../platform/clock/clock';
import { ProtocolError } from '../../platform/errors/protocol-error';
import { ConsoleAdminAccess } from './console-admin-access';

class Refused extends ProtocolError {
  readonly error = 'invalid_scope';
  readonly status = 400;
}

class StillClock extends Clock {
  now(): Date {
    return new Date('2026-11-28T12:00:00Z');
  }
}

describe('ConsoleAdminAccess', () => {
  const operators = { isOperator: (sub: string) => Promise.resolve(sub === 'alice') };
  const access = new ConsoleAdminAccess(
    operators as unknown as OperatorRepository,
    { maxAuthAgeSeconds: 300 } as AdminConsoleConfig,
    new StillClock(),
  );
  const refused = (description: string) => new Refused(description);
  const minutesAgo = (minutes: number) =>
    new Date(Date.parse('2026-11-28T12:00:00Z') - minutes * 60_000);

  it('admits an operator signed in with a passkey, phr or the hardware-bound phrh above it', async () => {
    for (const acr of ['phr', 'phrh']) {
      await expect(
        access.check({ sub: 'alice', acr, authTime: minutesAgo(1) }, refused),
      ).resolves.toBeUndefined();
    }
  });

  it('refuses any other sign-in, a stale one, and an account that is not an operator', async () => {
    const cases = [
      [{ sub: 'alice', acr: 'urn:proofgate:acr:1fa', authTime: minutesAgo(1) }, /passkey sign-in/],
      [{ sub: 'alice', authTime: minutesAgo(1) }, /passkey sign-in/],
      [{ sub: 'alice', acr: 'phrh', authTime: minutesAgo(6) }, /older than 300 s/],
      [{ sub: 'mallory', acr: 'phrh', authTime: minutesAgo(1) }, /not an operator/],
    ] as const;
    for (const [signIn, description] of cases) {
      await expect(access.check(signIn, refused)).rejects.toThrow(description);
    }
  });
});
