import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../platform/clock/clock';
import { ServerConfig } from '../../config/sections/server.config';
import { DEMO_CLIENTS, OAuthConfig } from '../../config/sections/oauth.config';
import { UserRepository } from './user.repository';

export interface DemoUser {
  readonly username: string;
  readonly password: string;
  /**
   * The password's scrypt hash, made once and written here: the password is published (README),
   * so its hash hides nothing, and a start does not pay two deliberately slow hashes for it.
   */
  readonly passwordHash: string;
}

/** The lab's demo accounts. Only their scrypt hashes are stored. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'user0',
    password: 'password0',
    passwordHash:
      'scrypt$32768$8$1$_u1biqFi4zfqhtAkghXRvQ$xWpQe-LLCw9Vh4G8FWR1VR2JQpxEKRVtTmhYM1ZPhRc',
  },
  {
    username: 'user1',
    password: 'password1',
    passwordHash:
      'scrypt$32768$8$1$RNf7CO7GIaHKjiZjLzg8eQ$ePzoE6VaiYCgkVGg86rZkFXOsXZyeP-VROpY5AWtfVQ',
  },
];

/**
 * The warning a production instance logs (at start-up and beside its ready line) while it seeds
 * demo data: it names the accounts and clients, never their passwords or secrets.
 */
export function demoDataWarning(): string {
  const users = DEMO_USERS.map((user) => user.username).join(', ');
  const clients = DEMO_CLIENTS.map((client) => client.clientId).join(', ');
  return (
    `SEED_DEMO_DATA=true in production: the demo users ${users} and the demo clients ${clients} ` +
    'exist with passwords and secrets published in the README, so anyone can sign in as them. ' +
    'Never on a public instance: unset SEED_DEMO_DATA, then disable them ' +
    '(proofgate-admin users disable <username>, clients remove <client_id>).'
  );
}

/**
 * Creates the demo accounts at start-up when they are missing. Safe to run on several instances at
 * once: the insert is conditional on the username (`_id`), and losing that race is not an error.
 */
@Injectable()
export class DemoUserSeeder implements OnModuleInit {
  private readonly logger = new Logger(DemoUserSeeder.name);

  constructor(
    private readonly users: UserRepository,
    private readonly clock: Clock,
    private readonly server: ServerConfig,
    private readonly oauth: OAuthConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // Accounts with published passwords: off by default in production (SEED_DEMO_DATA).
    if (!this.oauth.seedDemoData) return;
    if (this.server.isProduction) this.logger.warn(demoDataWarning());
    await Promise.all(DEMO_USERS.map((user) => this.seed(user)));
  }

  private async seed({ username, passwordHash }: DemoUser): Promise<void> {
    const inserted = await this.users.insertIfAbsent({
      username,
      passwordHash,
      createdAt: this.clock.now(),
    });
    if (inserted) this.logger.log(`Seeded demo user ${username}`);
  }
}
