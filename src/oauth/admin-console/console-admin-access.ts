import { Injectable } from '@nestjs/common';
import { OperatorRepository } from '../../accounts/operators/operator';
import { AdminConsoleConfig } from '../../config/sections/admin-console.config';
import { Clock } from '../../platform/clock/clock';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import { ADMIN_CONSOLE_CLIENT_ID } from '../../protocol-rules/admin-scopes';
import { meetsAcr, PHISHING_RESISTANT } from '../../protocol-rules/acr';
import type { OAuthClient } from '../../clients/oauth-client';

/** The sign-in behind a console request: its account, its `acr`, its `auth_time`. */
export interface ConsoleSignIn {
  readonly sub: string;
  readonly acr?: string;
  readonly authTime: Date;
}

/** Whether `client` is the admin console's own (clients/admin-console-client.ts). */
export function isAdminConsole(client: Pick<OAuthClient, 'clientId'>): boolean {
  return client.clientId === ADMIN_CONSOLE_CLIENT_ID;
}

/**
 * Who gets the admin API's scopes through the console (issue #77): an account that holds the
 * operator role (`proofgate-admin operators add`), signed in with a passkey (`acr` `phr`: a
 * phished password or email code never gets there) within ADMIN_CONSOLE_MAX_AUTH_AGE_SECONDS.
 * Checked when /authorize issues the console's code and again when /token redeems it (the role
 * may be taken away, the sign-in grow old, in between); never through a consent screen.
 */
@Injectable()
export class ConsoleAdminAccess {
  constructor(
    private readonly operators: OperatorRepository,
    private readonly console: AdminConsoleConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * What /authorize asks of the login for the console: a passkey sign-in (`phr`, enforced as an
   * essential `acr` is) no older than the setting, or the request's own `max_age` if shorter.
   * The login page then offers the passkey alone, and an older session signs in again.
   */
  requirements(maxAge: number | undefined): { acr: typeof PHISHING_RESISTANT; maxAge: number } {
    return {
      acr: PHISHING_RESISTANT,
      maxAge: Math.min(maxAge ?? Infinity, this.console.maxAuthAgeSeconds),
    };
  }

  /**
   * Throws `refused(description)` unless `signIn` may have admin scopes: checked in the order
   * that costs nothing first (the sign-in's `acr` and age), the operator role last (one read).
   */
  async check(signIn: ConsoleSignIn, refused: (description: string) => ProtocolError) {
    // phr or above (phrh, a hardware-bound passkey, meets it too).
    if (!meetsAcr(signIn.acr, PHISHING_RESISTANT)) {
      throw refused(
        'The admin console needs a passkey sign-in (acr phr): a password, a wallet or an email code never gets admin scopes',
      );
    }
    const ageSeconds = (this.clock.now().getTime() - signIn.authTime.getTime()) / 1000;
    if (ageSeconds > this.console.maxAuthAgeSeconds) {
      throw refused(
        `The passkey sign-in is older than ${this.console.maxAuthAgeSeconds} s (ADMIN_CONSOLE_MAX_AUTH_AGE_SECONDS): sign in again`,
      );
    }
    if (!(await this.operators.isOperator(signIn.sub))) {
      throw refused(
        'This account is not an operator: an operator grants the role with proofgate-admin operators add',
      );
    }
  }
}
