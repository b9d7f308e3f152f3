import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AdminConsoleConfig } from '../config/sections/admin-console.config';
import { ServerConfig } from '../config/sections/server.config';
import {
  ADMIN_CONSOLE_CLIENT_ID,
  adminApiAudience,
  adminConsoleRedirectUri,
} from '../protocol-rules/admin-scopes';
import { ClientRepository } from './client.repository';
import type { OAuthClient } from './oauth-client';

/**
 * The admin console's client as the service defines it (issue #77): public (the console is a
 * page, it keeps no secret: token_endpoint_auth_method `none`), code + PKCE S256 (every public
 * client's), DPoP-bound tokens only (RFC 9449 §5.2: a token taken from the page is useless
 * without the key the page cannot export), first-party (no consent screen: the console is the
 * service's own), its one redirect URI `<issuer>/admin/`, its one resource the admin API, and
 * the code grant alone: no refresh token, so when its short token ends the operator signs in with
 * the passkey again. Which person gets admin scopes through it is decided at /authorize and
 * /token (oauth/admin-console/console-admin-access.ts), never by its registration.
 */
export function adminConsoleClient(issuer: string): OAuthClient {
  return {
    clientId: ADMIN_CONSOLE_CLIENT_ID,
    type: 'public',
    name: 'Proofgate admin console',
    redirectUris: [adminConsoleRedirectUri(issuer)],
    resources: [adminApiAudience(issuer)],
    firstParty: true,
    grantTypes: ['authorization_code'],
    dpopBoundAccessTokens: true,
  };
}

/**
 * Registers the console's client at the service's start (ADMIN_CONSOLE, on by default), as its
 * definition says whatever the store held (a change of ISSUER moves its redirect URI); with the
 * console off, removes it, so no person can get admin scopes. Neither the admin API, the CLI nor
 * a registration may add or change it (its id is reserved: operatorClientIdProblem); the CLI does
 * not load this (AdminApiModule does), so its own ISSUER never moves the console's.
 */
@Injectable()
export class AdminConsoleClientRegistration implements OnModuleInit {
  private readonly logger = new Logger(AdminConsoleClientRegistration.name);

  constructor(
    private readonly clients: ClientRepository,
    private readonly server: ServerConfig,
    private readonly console: AdminConsoleConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const existing = await this.clients.findById(ADMIN_CONSOLE_CLIENT_ID);
    if (!this.console.enabled) {
      if (existing && (await this.clients.delete(ADMIN_CONSOLE_CLIENT_ID))) {
        this.logger.log(`Removed the admin console's client (ADMIN_CONSOLE=false)`);
      }
      return;
    }
    const wanted = adminConsoleClient(this.server.issuer);
    if (existing && JSON.stringify(existing) === JSON.stringify(wanted)) return;
    await this.clients.save(wanted);
    this.logger.log(`Registered public client ${ADMIN_CONSOLE_CLIENT_ID} (the admin console)`);
  }
}
