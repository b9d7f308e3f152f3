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
  if (key.state === 'active') {
    return keys.find((other) => other.state === 'next' && other.alg === key.alg)?.activatesAt;
  }
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
    .description('every signing key, of every alg: next, active, retired')
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
  const { scheduled, before } = await deps.withContext(async (app) => {
    const service = app.get(SigningKeyService);
    const keysBefore = await service.describeKeys();
    return { scheduled: await service.scheduleRotation(), before: keysBefore };
  });
  const activeOf = (alg: string) =>
    before.find((key) => key.state === 'active' && key.alg === alg)?.kid ?? null;
  const human = scheduled
    .map((next) =>
      next.created
        ? `Published next ${next.alg} signing key ${next.kid}.\n` +
          `It signs from ${formatDate(next.activatesAt)}; the active key ` +
          `${activeOf(next.alg) ?? '-'} then retires and verifies until its last tokens have expired.\n`
        : `A ${next.alg} rotation is already pending: next key ${next.kid} signs from ` +
          `${formatDate(next.activatesAt)}.\n`,
    )
    .join('');
  answer(
    deps,
    command,
    human,
    scheduled.map((next) => ({
      kid: next.kid,
      alg: next.alg,
      state: 'next',
      activates_at: next.activatesAt,
      created: next.created,
      replaces: activeOf(next.alg),
    })),
  );
}

async function rotateNow(deps: CommandDeps, command: Command): Promise<void> {
  const { rotated, after, before } = await deps.withContext(async (app) => {
    const service = app.get(SigningKeyService);
    const keysBefore = await service.describeKeys();
    const rotatedKeys = await service.rotate();
    return { rotated: rotatedKeys, after: await service.describeKeys(), before: keysBefore };
  });
  const replacedOf = (alg: string) => {
    const kid = before.find((key) => key.state === 'active' && key.alg === alg)?.kid;
    return after.find((key) => key.kid === kid);
  };
  answer(
    deps,
    command,
    rotated
      .map((key) => {
        const replaced = replacedOf(key.alg);
        return (
          `Signing with ${key.alg} key ${key.kid} now; other instances follow within ` +
          `${ACTIVE_KEY_RECHECK_SECONDS} s. Key ${replaced?.kid ?? '-'} verifies until ` +
          `${formatDate(replaced?.publishedUntil)}.\n`
        );
      })
      .join(''),
    rotated.map((key) => {
      const replaced = replacedOf(key.alg);
      return {
        kid: key.kid,
        alg: key.alg,
        state: 'active',
        replaces: replaced?.kid ?? null,
        replaced_published_until: replaced?.publishedUntil ?? null,
      };
    }),
  );
}
