import { methodJson, methodRemovedJson } from './method-json';
import { cliCall } from '../io/cli-call';
import type { Command } from 'commander';
import {
  type SignInMethod,
  credentialIdOf,
  emailMethodKey,
  emailOf,
  methodTypeOf,
  passkeyMethodKey,
  upstreamAccountOf,
  upstreamMethodKey,
} from '../../accounts/account';
import { normalizeEmail } from '../../email/email-address';
import type { MethodRemoved } from '../../sessions/logout/method-removal.service';
import { UsageError } from '../admin.errors';
import { AccountAdministration } from './account-administration.service';
import { visible } from '../../platform/text/visible';
import { wordList } from '../../platform/text/word-list';
import { WALLET_ACCOUNT_ID_FORMS } from '../../wallet/wallet-chains';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { type Column, formatDate, renderFields, renderTable } from '../io/output';

const EMAIL_COLUMNS: readonly Column<SignInMethod>[] = [
  { header: 'EMAIL', cell: (method) => emailOf(method.key) },
  { header: 'ADDED', cell: (method) => formatDate(method.addedAt) },
  { header: 'LAST USED', cell: (method) => formatDate(method.lastUsedAt) },
];

const METHOD_COLUMNS: readonly Column<SignInMethod>[] = [
  { header: 'TYPE', cell: (method) => method.type },
  { header: 'METHOD', cell: (method) => method.key },
  { header: 'ADDED', cell: (method) => formatDate(method.addedAt) },
  { header: 'LAST USED', cell: (method) => formatDate(method.lastUsedAt) },
];

const PASSKEY_COLUMNS: readonly Column<SignInMethod>[] = [
  { header: 'CREDENTIAL', cell: (method) => credentialIdOf(method.key) },
  { header: 'DEVICE', cell: (method) => method.passkey?.deviceType ?? '-' },
  { header: 'HARDWARE', cell: (method) => (method.passkey?.hardwareBound === true ? 'yes' : 'no') },
  { header: 'AUTHENTICATOR', cell: (method) => method.passkey?.authenticatorName ?? '-' },
  { header: 'COUNTER', cell: (method) => String(method.passkey?.counter ?? '-') },
  { header: 'ADDED', cell: (method) => formatDate(method.addedAt) },
  { header: 'LAST USED', cell: (method) => formatDate(method.lastUsedAt) },
];

const UPSTREAM_COLUMNS: readonly Column<SignInMethod>[] = [
  { header: 'PROVIDER', cell: (method) => upstreamAccountOf(method.key).providerId },
  { header: 'SUBJECT', cell: (method) => upstreamAccountOf(method.key).subject },
  { header: 'EMAIL', cell: (method) => method.upstream?.email ?? '-' },
  { header: 'ADDED', cell: (method) => formatDate(method.addedAt) },
];

/**
 * The key of the address `typed` among an account's `methods`: as `emails list` shows it (the
 * stored form, which before addresses were normalised kept a Unicode domain as typed), or in any
 * form that normalises to a stored one (`A@EXÄMPLE.COM` for `a@xn--exmple-cua.com`).
 */
function emailKeyAmong(methods: readonly SignInMethod[], typed: string): string {
  const listed = emailMethodKey(typed.trim().toLowerCase());
  const normalized = normalizeEmail(typed);
  const canonical = normalized.ok ? emailMethodKey(normalized.address) : listed;
  return methods.some((method) => method.key === listed) ? listed : canonical;
}

/** What the removal ended, when it ended anything (older sessions and grants name no method). */
function ended({ sessionsEnded, grantsRevoked }: MethodRemoved): string {
  if (sessionsEnded === 0 && grantsRevoked === 0) return '';
  return ` (ended ${sessionsEnded} login session(s) and revoked ${grantsRevoked} grant(s) it started)`;
}

/**
 * Removes `key` from the account `user` (see MethodRemoval) and answers `done` (by default
 * "Removed <key> from <user>") with what the removal ended.
 */
async function removeMethod(
  deps: CommandDeps,
  command: Command,
  user: string,
  key: string,
  done = `Removed ${key} from ${user}`,
): Promise<void> {
  const removed = await deps.withContext((app) =>
    app.get(AccountAdministration).unlink(user, key, cliCall()),
  );
  answer(deps, command, `${done}${ended(removed)}.\n`, methodRemovedJson(key, removed));
}

/** `<group> list --user <sub>`: the account's sign-in methods of one type. */
function registerMethodList(
  group: Command,
  deps: CommandDeps,
  type: SignInMethod['type'],
  description: string,
  columns: readonly Column<SignInMethod>[],
): void {
  group
    .command('list')
    .description(description)
    .requiredOption('--user <sub>', 'the subject')
    .action(async (options: { user: string }, command: Command) => {
      const list = (await methodsOf(deps, options.user)).filter((m) => m.type === type);
      answerRows(deps, command, list, columns, methodJson);
    });
}

/** The methods of the account `who` names (as `accounts show` finds it): none is no account. */
async function methodsOf(deps: CommandDeps, who: string): Promise<SignInMethod[]> {
  const { methods } = await deps.withContext((app) => app.get(AccountAdministration).account(who));
  return [...methods];
}

/**
 * `accounts` (an account's sign-in methods; link and unlink by an operator), `passkeys` (a user's
 * passkeys: list, remove) and `upstream` (an account's accounts at upstream providers: list,
 * remove). An operator's link needs no proof of the method: it is for
 * support cases the operator has checked by other means; only wallets can be linked this way
 * (a passkey exists only through its registration ceremony).
 */
export function registerAccountsCommands(program: Command, deps: CommandDeps): void {
  const accounts = program
    .command('accounts')
    .description(
      'accounts: one subject, many sign-in methods (passwords, wallets, passkeys, email addresses, provider accounts)',
    );

  accounts
    .command('show')
    .description('an account: its subject, whether it is an operator, its sign-in methods')
    .requiredOption('--user <who>', 'a username, a subject or a method key')
    .action(async (options: { user: string }, command: Command) => {
      const account = await deps.withContext((app) =>
        app.get(AccountAdministration).account(options.user),
      );
      answer(
        deps,
        command,
        renderFields([
          ['Account', account.sub],
          ['Operator', account.operator ? 'yes (may use the console at /admin)' : 'no'],
        ]) + renderTable(METHOD_COLUMNS, account.methods),
        { sub: account.sub, operator: account.operator, methods: account.methods.map(methodJson) },
      );
    });

  accounts
    .command('methods')
    .description("an account's sign-in methods")
    .requiredOption('--user <sub>', 'the subject (a username, or eip155:<chain>:<address>)')
    .action(async (options: { user: string }, command: Command) => {
      const methods = await methodsOf(deps, options.user);
      answerRows(deps, command, methods, METHOD_COLUMNS, methodJson);
    });

  accounts
    .command('link')
    .description(
      'link a wallet (its CAIP-10 account id) or an email address to an account, without its signature or code',
    )
    .requiredOption(
      '--user <sub>',
      'the account: a username, a subject or a method key; it must exist',
    )
    .option(
      '--wallet <caip10>',
      `${wordList(WALLET_ACCOUNT_ID_FORMS, 'or')}, on a chain the service accepts; e.g. eip155:1:0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 (EIP-55 or lower case)`,
    )
    .option(
      '--email <address>',
      'an email address the operator has checked; the account then has it as its verified email',
    )
    .action(
      async (options: { user: string; wallet?: string; email?: string }, command: Command) => {
        if ((options.wallet === undefined) === (options.email === undefined)) {
          throw new UsageError('give exactly one of --wallet and --email');
        }
        if (options.wallet !== undefined && methodTypeOf(options.wallet) !== 'wallet') {
          throw new UsageError('--wallet must be a CAIP-10 account id like eip155:1:0x…');
        }
        const { method, created } = await deps.withContext((app) =>
          options.wallet !== undefined
            ? app.get(AccountAdministration).linkWallet(options.user, options.wallet, cliCall())
            : app.get(AccountAdministration).linkEmail(options.user, options.email!, cliCall()),
        );
        const said = created ? 'Linked' : 'Already linked:';
        answer(deps, command, `${said} ${method.key} to ${method.sub}.\n`, methodJson(method));
      },
    );

  accounts
    .command('unlink')
    .description(
      'remove a sign-in method from an account (never its last), ending the sessions and grants it started',
    )
    .requiredOption('--user <sub>', 'the subject')
    .requiredOption('--method <key>', 'the method key, as `accounts methods` lists it')
    .action((options: { user: string; method: string }, command: Command) =>
      removeMethod(deps, command, options.user, options.method),
    );

  registerUpstreamCommands(program, deps);

  const emails = program
    .command('emails')
    .description("an account's email addresses (email sign-in and the email claim)");

  emails
    .command('list')
    .description("an account's email addresses")
    .requiredOption('--user <sub>', 'the subject, a username or a method key (email:<address>)')
    .action(async (options: { user: string }, command: Command) => {
      const list = await deps.withContext(async (app) => {
        const sub = await app.get(AccountAdministration).subjectOf(options.user);
        return (await app.get(AccountAdministration).methodsOf(sub)).filter(
          (method) => method.type === 'email',
        );
      });
      answerRows(deps, command, list, EMAIL_COLUMNS, methodJson);
    });

  emails
    .command('remove')
    .description(
      "remove one of an account's email addresses (never its last method), ending the sessions and grants it started",
    )
    .requiredOption('--user <sub>', 'the subject')
    .requiredOption('--email <address>', 'the address, as `emails list` shows it')
    .action(async (options: { user: string; email: string }, command: Command) => {
      const { key, removed } = await deps.withContext(async (app) => {
        const methods = await app.get(AccountAdministration).methodsOf(options.user);
        const listed = emailKeyAmong(methods, options.email);
        return {
          key: listed,
          removed: await app.get(AccountAdministration).unlink(options.user, listed, cliCall()),
        };
      });
      answer(
        deps,
        command,
        `Removed ${visible(emailOf(key))} from ${options.user}${ended(removed)}.\n`,
        methodRemovedJson(key, removed),
      );
    });

  const passkeys = program.command('passkeys').description("a user's passkeys (WebAuthn)");

  registerMethodList(passkeys, deps, 'passkey', "a user's passkeys", PASSKEY_COLUMNS);

  passkeys
    .command('remove')
    .description("remove one of a user's passkeys (never the account's last method)")
    .requiredOption('--user <sub>', 'the subject')
    .requiredOption(
      '--credential <id>',
      'the credential id (base64url), as `passkeys list` shows it',
    )
    .action((options: { user: string; credential: string }, command: Command) =>
      removeMethod(
        deps,
        command,
        options.user,
        passkeyMethodKey(options.credential),
        `Removed passkey ${options.credential} of ${options.user}`,
      ),
    );
}

/**
 * `upstream list` and `upstream remove`: an account's accounts at upstream identity providers
 * (UPSTREAM_PROVIDERS), by provider id and the provider's subject. Never linked by an operator: a
 * provider account is linked only by its owner's sign-in at the provider.
 */
function registerUpstreamCommands(program: Command, deps: CommandDeps): void {
  const upstream = program
    .command('upstream')
    .description("an account's accounts at upstream identity providers (UPSTREAM_PROVIDERS)");

  registerMethodList(
    upstream,
    deps,
    'upstream',
    "an account's provider accounts, with the email each provider verified",
    UPSTREAM_COLUMNS,
  );

  upstream
    .command('remove')
    .description(
      "remove one of an account's provider accounts (never the account's last method, nor the one it was created by), ending the sessions and grants it started",
    )
    .requiredOption('--user <sub>', 'the subject')
    .requiredOption('--provider <id>', 'the provider id, as `upstream list` shows it')
    .requiredOption('--subject <sub>', "the provider's subject, as `upstream list` shows it")
    .action((options: { user: string; provider: string; subject: string }, command: Command) =>
      removeMethod(
        deps,
        command,
        options.user,
        upstreamMethodKey(options.provider, options.subject),
      ),
    );
}
