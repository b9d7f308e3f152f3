import type { Command } from 'commander';
import type { Operator } from '../../accounts/operators/operator';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { cliCall } from '../io/cli-call';
import { type Column, formatDate } from '../io/output';
import { OperatorAdministration, operatorJson } from './operator-administration.service';

const OPERATOR_COLUMNS: readonly Column<Operator>[] = [
  { header: 'ACCOUNT', cell: (operator) => operator.sub },
  { header: 'GRANTED', cell: (operator) => formatDate(operator.grantedAt) },
  { header: 'BY', cell: (operator) => operator.grantedBy },
];

/** Every operator, a page of the store at a time. */
async function allOperators(deps: CommandDeps): Promise<Operator[]> {
  return deps.withContext(async (app) => {
    const all: Operator[] = [];
    for (;;) {
      const page = await app
        .get(OperatorAdministration)
        .page({ ...(all.length ? { after: all[all.length - 1].sub } : {}), limit: 500 });
      all.push(...page);
      if (page.length < 500) return all;
    }
  });
}

/**
 * `operators add|remove|list` (issue #77): the accounts that may get admin scopes through the
 * console at /admin, after a passkey sign-in. Granted here only, never over the admin API.
 */
export function registerOperatorsCommands(program: Command, deps: CommandDeps): void {
  const operators = program
    .command('operators')
    .description(
      'operators: accounts that may use the admin console (/admin) after a passkey sign-in',
    );

  operators
    .command('add')
    .description('give an account the operator role (it signs in to the console with a passkey)')
    .argument('<account>', 'a username, a subject or a method key; the account must exist')
    .action(async (account: string, _options: unknown, command: Command) => {
      const { operator, added } = await deps.withContext((app) =>
        app.get(OperatorAdministration).grant(account, cliCall()),
      );
      answer(
        deps,
        command,
        added
          ? `${operator.sub} is now an operator: it gets admin scopes in the console after a passkey sign-in.\n`
          : `${operator.sub} was an operator already.\n`,
        { ...operatorJson(operator), added },
      );
    });

  operators
    .command('remove')
    .description(
      'take the operator role away (its console tokens are refused from their next call)',
    )
    .argument('<account>', 'a username, a subject or a method key')
    .action(async (account: string, _options: unknown, command: Command) => {
      const { sub } = await deps.withContext((app) =>
        app.get(OperatorAdministration).revoke(account, cliCall()),
      );
      answer(deps, command, `${sub} is no longer an operator.\n`, { sub, removed: true });
    });

  operators
    .command('list')
    .description('every operator, with when and by whom the role was granted')
    .action(async (_options: unknown, command: Command) => {
      answerRows(deps, command, await allOperators(deps), OPERATOR_COLUMNS, operatorJson);
    });
}
