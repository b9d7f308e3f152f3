import type { OperatorRepository } from '../../accounts/operators/operator';
import type { Clock } from '../../platform/clock/clock';
import type { AccountAdministration } from '../accounts/account-administration.service';
import { AdminError } from '../admin.errors';
import type { AdminCall } from '../audit/admin-audit';
import type { AdminAuditTrail } from '../audit/admin-audit.service';
import { OperatorAdministration } from './operator-administration.service';

describe('OperatorAdministration: the role changes on the command line only', () => {
  const add = jest.fn(() => Promise.resolve(true));
  const remove = jest.fn(() => Promise.resolve(true));
  const service = new OperatorAdministration(
    { add, remove } as unknown as OperatorRepository,
    { subjectOf: (who: string) => Promise.resolve(who) } as unknown as AccountAdministration,
    {
      around: (_call: AdminCall, _a: string, _t: unknown, work: () => unknown) => work(),
    } as unknown as AdminAuditTrail,
    { now: () => new Date('2026-12-01T00:00:00Z') } as Clock,
  );
  const overTheApi: AdminCall = { actor: { kind: 'client', clientId: 'ops' }, requestId: 'r' };
  const inTheConsole: AdminCall = {
    actor: { kind: 'operator', account: 'alice', clientId: 'proofgate-console' },
    requestId: 'r',
  };

  it.each([
    ['an admin client', overTheApi],
    ['an operator in the console', inTheConsole],
  ])('refuses %s, writing nothing', async (_who, call) => {
    await expect(service.grant('bob', call)).rejects.toThrow(AdminError);
    await expect(service.revoke('bob', call)).rejects.toThrow(AdminError);
    expect(add).not.toHaveBeenCalled();
    expect(remove).not.toHaveBeenCalled();
  });

  it('records who granted it from the command line', async () => {
    const granted = await service.grant('bob', {
      actor: { kind: 'cli', osUser: 'root' },
      requestId: 'r',
    });
    expect(granted).toEqual({
      added: true,
      operator: { sub: 'bob', grantedAt: new Date('2026-12-01T00:00:00Z'), grantedBy: 'cli:root' },
    });
  });
});
