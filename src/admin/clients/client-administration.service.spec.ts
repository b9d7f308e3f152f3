import type { ClientRegistry } from '../../clients/client-registry.service';
import type { StreamAdministration } from '../streams/stream-administration.service';
import type { AdminCall } from '../audit/admin-audit';
import type { AdminAuditTrail } from '../audit/admin-audit.service';
import type { ClientAuthConfig } from '../../config/sections/client-auth.config';
import type { LogoutConfig } from '../../config/sections/logout.config';
import type { OAuthConfig } from '../../config/sections/oauth.config';
import type { ServerConfig } from '../../config/sections/server.config';
import type { RegistrableGrantTypes } from '../../clients/registration/registrable-grant-types';
import {
  ClientRepository,
  type SecretsRevision,
  type StoredSecrets,
} from '../../clients/client.repository';
import type { ClientSecret } from '../../clients/client-secrets';
import type { OAuthClient } from '../../clients/oauth-client';
import { Clock } from '../../platform/clock/clock';
import type { PasswordHasher } from '../../platform/crypto/password-hasher';
import type { GrantRepository } from '../../tokens/grants/grant.repository';
import { AdminConflict, AdminError } from '../admin.errors';
import { ClientAdministration } from './client-administration.service';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY_S = 86_400;

class FixedClock extends Clock {
  now(): Date {
    return NOW;
  }
}

/**
 * The secrets' part of the store, in memory, with the store's contract: a replacement lands only
 * on the revision it read. `beforeWrite` runs between a read and the write that follows it: where
 * a test makes another change land first.
 */
class SecretStore {
  version = 0;
  beforeWrite: (() => void) | undefined;
  constructor(public client: OAuthClient) {}

  readonly repository = {
    findById: (clientId: string) =>
      Promise.resolve(clientId === this.client.clientId ? this.client : null),
    readSecrets: (clientId: string): Promise<StoredSecrets | null> =>
      Promise.resolve(
        clientId === this.client.clientId
          ? { secrets: this.client.secrets ?? [], revision: this.revision() }
          : null,
      ),
    replaceSecrets: (
      _clientId: string,
      read: SecretsRevision,
      secrets: readonly ClientSecret[],
    ): Promise<boolean> => {
      this.beforeWrite?.();
      if (read.version !== this.version) return Promise.resolve(false);
      this.write(secrets);
      return Promise.resolve(true);
    },
  } as Partial<ClientRepository> as ClientRepository;

  /** Another administrator's change, landing now. */
  write(secrets: readonly ClientSecret[]): void {
    this.client = { ...this.client, secrets };
    this.version += 1;
  }

  private revision(): SecretsRevision {
    return { version: this.version, newestHash: this.client.secrets?.at(-1)?.hash };
  }
}

const CALL: AdminCall = { actor: { kind: 'cli', osUser: 'test' }, requestId: 'r-1' };

const OLD: ClientSecret = { id: 'old', hash: 'scrypt$old', createdAt: new Date('2026-11-01') };

function administration(
  store: SecretStore,
  { overlapMax = 30 * DAY_S, configured = [] as string[] } = {},
) {
  let hashes = 0;
  const hasher = { hash: (secret: string) => Promise.resolve(`hash-${++hashes}-of-${secret}`) };
  return new ClientAdministration(
    store.repository,
    {} as GrantRepository,
    hasher as PasswordHasher,
    { clients: configured.map((clientId) => ({ clientId })) } as unknown as OAuthConfig,
    new FixedClock(),
    {} as ServerConfig,
    {} as LogoutConfig,
    {} as RegistrableGrantTypes,
    { secretOverlapMaxSeconds: overlapMax } as ClientAuthConfig,
    // The trail's own spec and the admin e2e specs hold what it records; here it runs the write.
    {
      around: (_call: AdminCall, _action: string, _target: object, write: () => Promise<unknown>) =>
        write(),
    } as unknown as AdminAuditTrail,
    { forgetChanged: () => undefined } as unknown as ClientRegistry,
    {} as StreamAdministration,
    { resourceServers: [] },
  );
}

const billing = (fields: Partial<OAuthClient> = {}): OAuthClient => ({
  clientId: 'billing',
  type: 'confidential',
  name: 'Billing',
  redirectUris: ['https://billing.example/cb'],
  secrets: [OLD],
  ...fields,
});

describe('ClientAdministration: client secrets', () => {
  it('addSecret answers the value once, and the previous secret works 24 h by default', async () => {
    const store = new SecretStore(billing());

    const added = await administration(store).addSecret('billing', {}, CALL);

    expect(added).toMatchObject({ id: expect.any(String), createdAt: NOW });
    expect(added.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(store.client.secrets).toEqual([
      { ...OLD, expiresAt: new Date(NOW.getTime() + DAY_S * 1000) },
      { id: added.id, hash: `hash-1-of-${added.secret}`, createdAt: NOW },
    ]);
    expect(JSON.stringify(store.client.secrets)).not.toContain(`"${added.secret}"`);
  });

  it('the default is cut to the configured maximum; an overlap past it is refused, changing nothing', async () => {
    const store = new SecretStore(billing());
    const admin = administration(store, { overlapMax: 3_600 });

    await admin.addSecret('billing', {}, CALL);
    expect(store.client.secrets?.[0].expiresAt).toEqual(new Date(NOW.getTime() + 3_600_000));

    const before = store.client.secrets;
    await expect(admin.addSecret('billing', { previousExpiresIn: 3_601 }, CALL)).rejects.toThrow(
      new AdminError(
        'the previous secret may keep working at most 1h (CLIENT_SECRET_OVERLAP_MAX_SECONDS: 3600 s), not 3601s',
      ),
    );
    for (const bad of [-1, 1.5, Number.NaN]) {
      await expect(admin.addSecret('billing', { previousExpiresIn: bad }, CALL)).rejects.toThrow(
        AdminError,
      );
    }
    expect(store.client.secrets).toBe(before);
  });

  it('previousExpiresIn 0 stops the previous secret now: one secret remains', async () => {
    const store = new SecretStore(billing());

    const added = await administration(store).addSecret('billing', { previousExpiresIn: 0 }, CALL);

    expect(store.client.secrets?.map((secret) => secret.id)).toEqual([added.id]);
    expect(added.secrets).toEqual([{ id: added.id, createdAt: NOW, expired: false }]);
  });

  it('a rotation that loses to another lands after it, with its own secret: two remain, the new one live', async () => {
    const store = new SecretStore(billing());
    const theirs: ClientSecret = { id: 'theirs', hash: 'scrypt$theirs', createdAt: NOW };
    store.beforeWrite = () => {
      store.beforeWrite = undefined;
      store.write([{ ...OLD, expiresAt: new Date(NOW.getTime() + 1000) }, theirs]);
    };

    const added = await administration(store).addSecret('billing', { previousExpiresIn: 60 }, CALL);

    expect(store.client.secrets).toEqual([
      { ...theirs, expiresAt: new Date(NOW.getTime() + 60_000) },
      { id: added.id, hash: `hash-1-of-${added.secret}`, createdAt: NOW },
    ]);
    expect(added.secrets.map((secret) => secret.id)).toEqual([added.id, 'theirs']);
  });

  it('gives up with a conflict, having changed nothing, when every write loses', async () => {
    const store = new SecretStore(billing());
    let others = 0;
    store.beforeWrite = () => {
      others += 1;
      store.write([{ id: `other-${others}`, hash: `scrypt$other-${others}`, createdAt: NOW }]);
    };

    await expect(administration(store).addSecret('billing', {}, CALL)).rejects.toThrow(
      AdminConflict,
    );
    expect(store.client.secrets?.map((secret) => secret.id)).toEqual([`other-${others}`]);
  });

  it('refuses public, private_key_jwt and configured clients, changing nothing', async () => {
    const cases: Array<[OAuthClient, string, string[]?]> = [
      [
        billing({ type: 'public', secrets: undefined }),
        'client billing is public: it has no secret',
      ],
      [
        billing({ secrets: undefined, jwksUri: 'https://billing.example/jwks' }),
        'client billing authenticates with private_key_jwt: it has no secret (see set-jwks)',
      ],
      [
        billing(),
        'client billing is configured in OAUTH_CLIENTS: change the secret of it there, not here',
        ['billing'],
      ],
    ];
    for (const [client, message, configured] of cases) {
      const store = new SecretStore(client);
      const admin = administration(store, configured ? { configured } : {});
      await expect(admin.addSecret('billing', {}, CALL)).rejects.toThrow(new AdminError(message));
      expect(store.version).toBe(0);
    }
    await expect(
      administration(new SecretStore(billing())).addSecret('nobody', {}, CALL),
    ).rejects.toThrow(new AdminError('no client nobody'));
  });

  it('listSecrets: newest first, ids and dates only, an expired one marked', async () => {
    const expiredAt = new Date(NOW.getTime() - 1);
    const store = new SecretStore(
      billing({
        secrets: [
          { id: 'before', hash: 'scrypt$before', expiresAt: expiredAt },
          { id: 'now', hash: 'scrypt$now', createdAt: NOW },
        ],
      }),
    );

    const listed = await administration(store).listSecrets('billing');

    expect(listed).toEqual([
      { id: 'now', createdAt: NOW, expired: false },
      { id: 'before', expiresAt: expiredAt, expired: true },
    ]);
    expect(JSON.stringify(listed)).not.toContain('scrypt');
  });
});
