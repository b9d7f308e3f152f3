import type { Command } from 'commander';
import {
  ACTIVE_KEY_RECHECK_SECONDS,
  SigningKeyService,
  type SigningKeyStatus,
} from '../../tokens/signing-keys/signing-key.service';
import { Clock } from '../../platform/clock/clock';
import { answer, answerRows, type CommandDeps } from '../io/command-output';
import { formatDate } from '../io/output';

/**
 * When a key stops signing: the active key once the pending next key is due, a retired key when
 * it was retired. A next key has not started signing yet.
 */
function retiresAt(key: SigningKeyStatus, keys: readonly SigningKeyStatus[]): Date | undefined {
  if (key.state === 'retired') return key.retiredAt;
  if (key.state === 'active') return keys.find((other) => other.state === 'next')?.activatesAt;
  return undefined;
}

function note(key: SigningKeyStatus, now: Date): string {
  if (key.state === 'next') return `published; signs from ${formatDate(key.activatesAt)}`;
  if (key.state === 'active') return 'signing';
  return key.publishedUntil && key.publishedUntil > now
    ? `verifies until ${formatDate(key.publishedUntil)}`
    : 'no longer published';
}

function keyJson(key: SigningKeyStatus, keys: readonly SigningKeyStatus[], now: Date) {
  return {
    kid: key.kid,
    alg: key.alg,
    state: key.state,
    created_at: key.createdAt,
    activates_at: key.activatesAt ?? null,
    retires_at: retiresAt(key, keys) ?? null,
    published_until: key.publishedUntil ?? null,
    published: key.state !== 'retired' || (key.publishedUntil ?? now) > now,
  };
}

export function registerKeysCommands(program: Command, deps: CommandDeps): void {
  const keys = program.command('keys').description('token signing keys (published at /jwks.json)');

  keys
    .command('list')
    .description('every signing key: next, active, retired')
    .action(async (_options: unknown, command: Command) => {
      const { list, now } = await deps.withContext(async (app) => ({
        list: await app.get(SigningKeyService).describeKeys(),
        now: app.get(Clock).now(),
      }));
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
      'publish the next key now; it signs once resource servers have had time to fetch it, ' +
        'and the active key then keeps verifying until its tokens expire',
    )
    .option('--now', 'sign with a new key at once (resource servers must re-fetch the JWKS)')
    .action(async (options: { now?: boolean }, command: Command) => {
      if (options.now) await rotateNow(deps, command);
      else await scheduleRotation(deps, command);
    });
}

async function scheduleRotation(deps: CommandDeps, command: Command): Promise<void> {
  const { scheduled, active } = await deps.withContext(async (app) => {
    const service = app.get(SigningKeyService);
    const before = await service.describeKeys();
    return {
      scheduled: await service.scheduleRotation(),
      active: before.find((key) => key.state === 'active'),
    };
  });
  const human = scheduled.created
    ? `Published next signing key ${scheduled.kid} (${scheduled.alg}).\n` +
      `It signs from ${formatDate(scheduled.activatesAt)}; the active key ` +
      `${active?.kid ?? '-'} then retires and verifies until its last tokens have expired.\n`
    : `A rotation is already pending: next key ${scheduled.kid} signs from ` +
      `${formatDate(scheduled.activatesAt)}.\n`;
  answer(deps, command, human, {
    kid: scheduled.kid,
    alg: scheduled.alg,
    state: 'next',
    activates_at: scheduled.activatesAt,
    created: scheduled.created,
    replaces: active?.kid ?? null,
  });
}

async function rotateNow(deps: CommandDeps, command: Command): Promise<void> {
  const { rotated, replaced } = await deps.withContext(async (app) => {
    const service = app.get(SigningKeyService);
    const active = (await service.describeKeys()).find((key) => key.state === 'active');
    const rotatedKey = await service.rotate();
    const after = await service.describeKeys();
    return { rotated: rotatedKey, replaced: after.find((key) => key.kid === active?.kid) };
  });
  answer(
    deps,
    command,
    `Signing with key ${rotated.kid} (${rotated.alg}) now; other instances follow within ` +
      `${ACTIVE_KEY_RECHECK_SECONDS} s. Key ${replaced?.kid ?? '-'} verifies until ` +
      `${formatDate(replaced?.publishedUntil)}.\n`,
    {
      kid: rotated.kid,
      alg: rotated.alg,
      state: 'active',
      replaces: replaced?.kid ?? null,
      replaced_published_until: replaced?.publishedUntil ?? null,
    },
  );
}
