import type { Command } from 'commander';
import {
  ACTIVE_KEY_RECHECK_SECONDS,
  type SigningKeyStatus,
} from '../../tokens/signing-keys/signing-key.service';
import { cliCall } from '../io/cli-call';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { formatDate } from '../io/output';
import { KeyAdministration } from './key-administration.service';
import { keyJson, retiresAt, rotatedKeyJson, scheduledKeyJson } from './key-json';

function note(key: SigningKeyStatus, now: Date): string {
  if (key.state === 'next') return `published; signs from ${formatDate(key.activatesAt)}`;
  if (key.state === 'active') return 'signing';
  return key.publishedUntil && key.publishedUntil > now
    ? `verifies until ${formatDate(key.publishedUntil)}`
    : 'no longer published';
}

export function registerKeysCommands(program: Command, deps: CommandDeps): void {
  const keys = program.command('keys').description('token signing keys (published at /jwks.json)');

  keys
    .command('list')
    .description('every signing key, of every alg: next, active, retired')
    .action(async (_options: unknown, command: Command) => {
      const { keys: list, now } = await deps.withContext((app) =>
        app.get(KeyAdministration).list(),
      );
      answerRows(
        deps,
        command,
        list,
        [
          { header: 'KID', cell: (key) => key.kid },
          { header: 'ALG', cell: (key) => key.alg },
          { header: 'STATE', cell: (key) => key.state },
          { header: 'CREATED', cell: (key) => formatDate(key.createdAt) },
          { header: 'RETIRES AT', cell: (key) => formatDate(retiresAt(key, list)) },
          { header: 'NOTE', cell: (key) => note(key, now) },
        ],
        (key) => keyJson(key, list, now),
      );
    });

  keys
    .command('rotate')
    .description(
      'publish the next key of every alg now; it signs once resource servers have had time to ' +
        'fetch it, and the active key then keeps verifying until its tokens expire',
    )
    .option('--now', 'sign with a new key at once (resource servers must re-fetch the JWKS)')
    .action(async (options: { now?: boolean }, command: Command) => {
      if (options.now) await rotateNow(deps, command);
      else await scheduleRotation(deps, command);
    });
}

async function scheduleRotation(deps: CommandDeps, command: Command): Promise<void> {
  const scheduled = await deps.withContext((app) =>
    app.get(KeyAdministration).scheduleRotation(cliCall()),
  );
  const human = scheduled
    .map((next) =>
      next.created
        ? `Published next ${next.alg} signing key ${next.kid}.\n` +
          `It signs from ${formatDate(next.activatesAt)}; the active key ` +
          `${next.replaces ?? '-'} then retires and verifies until its last tokens have expired.\n`
        : `A ${next.alg} rotation is already pending: next key ${next.kid} signs from ` +
          `${formatDate(next.activatesAt)}.\n`,
    )
    .join('');
  answer(deps, command, human, scheduled.map(scheduledKeyJson));
}

async function rotateNow(deps: CommandDeps, command: Command): Promise<void> {
  const rotated = await deps.withContext((app) => app.get(KeyAdministration).rotateNow(cliCall()));
  answer(
    deps,
    command,
    rotated
      .map(
        (key) =>
          `Signing with ${key.alg} key ${key.kid} now; other instances follow within ` +
          `${ACTIVE_KEY_RECHECK_SECONDS} s. Key ${key.replaces ?? '-'} verifies until ` +
          `${formatDate(key.replacedPublishedUntil ?? undefined)}.\n`,
      )
      .join(''),
    rotated.map(rotatedKeyJson),
  );
}
