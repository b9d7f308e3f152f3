import { Injectable } from '@nestjs/common';
import { type Operator, OperatorRepository } from '../../accounts/operators/operator';
import { Clock } from '../../platform/clock/clock';
import { AccountAdministration } from '../accounts/account-administration.service';
import { AdminError } from '../admin.errors';
import type { AdminCall } from '../audit/admin-audit';
import { AdminAuditTrail } from '../audit/admin-audit.service';

/** What `operators add` did: the operator, and whether the account held the role before. */
export interface OperatorGranted {
  readonly operator: Operator;
  readonly added: boolean;
}

/**
 * `proofgate-admin operators …` (issue #77): who may get the admin API's scopes through the
 * console. The role is granted and taken away on the command line only, never over the admin
 * API: a token that could make operators could make its holder's account one, so the bootstrap
 * stays with whoever holds the database. The admin API lists them (admin:read).
 */
@Injectable()
export class OperatorAdministration {
  constructor(
    private readonly operators: OperatorRepository,
    private readonly accounts: AccountAdministration,
    private readonly audit: AdminAuditTrail,
    private readonly clock: Clock,
  ) {}

  /** Grants the role to the account `who` names (a username, a subject or a method key). */
  grant(who: string, call: AdminCall): Promise<OperatorGranted> {
    return this.audit.around(call, 'operators.add', { account: who }, async () => {
      const grantedBy = commandLineOnly(call, 'grant');
      const sub = await this.accounts.subjectOf(who);
      const operator: Operator = { sub, grantedAt: this.clock.now(), grantedBy };
      const added = await this.operators.add(operator);
      return { operator, added };
    });
  }

  /** Takes the role away from the account `who` names; its console tokens stop at their next call. */
  revoke(who: string, call: AdminCall): Promise<{ readonly sub: string }> {
    return this.audit.around(call, 'operators.remove', { account: who }, async () => {
      commandLineOnly(call, 'take away');
      const sub = await this.accounts.subjectOf(who).catch(() => who);
      if (!(await this.operators.remove(sub))) {
        throw new AdminError(`account ${who} is not an operator`, 'not_found');
      }
      return { sub };
    });
  }

  /** The operators by subject, at most `limit`, after `after`. */
  page(page: { readonly after?: string; readonly limit: number }): Promise<Operator[]> {
    return this.operators.page(page);
  }

  /** Whether the account `sub` holds the role. */
  isOperator(sub: string): Promise<boolean> {
    return this.operators.isOperator(sub);
  }
}

/** The role changes on the command line only: `cli:<OS user>` for the record, else a refusal. */
function commandLineOnly(call: AdminCall, verb: string): string {
  if (call.actor.kind !== 'cli') {
    throw new AdminError(
      `the operator role is granted and taken away with proofgate-admin only: cannot ${verb} it over the admin API`,
    );
  }
  return `cli:${call.actor.osUser}`;
}

/** An operator as the CLI's --json and the admin API answer it. */
export function operatorJson(operator: Operator) {
  return {
    sub: operator.sub,
    granted_at: operator.grantedAt,
    granted_by: operator.grantedBy,
  };
}
