import { Injectable } from '@nestjs/common';
import { ConfigError } from '../config/env-parsers';
import {
  type ResourceServer,
  ResourceServersConfig,
  declaredScopeNames,
} from '../config/sections/resource-servers.config';
import { OAuthConfig } from '../config/sections/oauth.config';
import { ServerConfig } from '../config/sections/server.config';
import { TokenConfig } from '../config/sections/tokens.config';
import { adminApiAudience, isAdminScope, namesAdminScope } from '../protocol-rules/admin-scopes';
import { SSF_SCOPE, ssfAudience } from '../protocol-rules/ssf';
import { type ResourceScopeLookup, SUPPORTED_SCOPES } from './scopes';
import { unknownScopes } from '../protocol-rules/client-scope';

/**
 * The scopes of the APIs the operator declared (RESOURCE_SERVERS), beside the server's own: which
 * API each belongs to, what it allows, and which of a grant's scopes a token for one audience
 * carries. Checked at start against what the configuration cannot see: the server's own scopes
 * and its own APIs' resources, and the operator's clients' registered `scope` (OAUTH_CLIENTS).
 */
@Injectable()
export class ResourceScopes implements ResourceScopeLookup {
  private readonly byScope = new Map<string, ResourceServer>();
  private readonly byResource = new Map<string, ResourceServer>();

  constructor(
    config: ResourceServersConfig,
    tokens: TokenConfig,
    server: ServerConfig,
    oauth: OAuthConfig,
  ) {
    const own = [tokens.audience, adminApiAudience(server.issuer), ssfAudience(server.issuer)];
    const problems: string[] = [];
    for (const [index, declared] of config.resourceServers.entries()) {
      const where = `RESOURCE_SERVERS[${index}]`;
      if (own.includes(declared.resource)) {
        problems.push(
          `${where}.resource is one of this server's own APIs, whose scopes are its own`,
        );
      }
      const taken = Object.keys(declared.scopes).filter(
        (scope) =>
          (SUPPORTED_SCOPES as readonly string[]).includes(scope) ||
          namesAdminScope(scope) ||
          scope === SSF_SCOPE,
      );
      if (taken.length > 0) {
        problems.push(`${where}.scopes: ${taken.join(', ')} are this server's own scopes`);
      }
      this.byResource.set(declared.resource, declared);
      for (const scope of Object.keys(declared.scopes)) this.byScope.set(scope, declared);
    }
    const declaredScopes = declaredScopeNames(config);
    for (const client of oauth.clients) {
      const unknown = client.scope === undefined ? [] : unknownScopes(client.scope, declaredScopes);
      if (unknown.length > 0) {
        problems.push(
          `OAUTH_CLIENTS: the scope of client "${client.clientId}" names ${unknown.join(', ')}, neither this server's scope nor one RESOURCE_SERVERS declares`,
        );
      }
    }
    if (problems.length > 0) throw new ConfigError(problems);
  }

  serverOf(scope: string): ResourceServer | undefined {
    return this.byScope.get(scope);
  }

  /** What an API's scope allows, in the operator's words; undefined for any other scope. */
  wordsOf(scope: string): string | undefined {
    return this.byScope.get(scope)?.scopes[scope];
  }

  /** What the operator calls a declared API (its `name`); undefined when it gave none. */
  nameOf(resource: string): string | undefined {
    return this.byResource.get(resource)?.name;
  }

  /** The declared APIs' resources, in the order declared. */
  declaredResources(): string[] {
    return [...this.byResource.keys()];
  }

  /** The scopes `resource` declared (none for a resource not declared). */
  scopesAt(resource: string): readonly string[] {
    const declared = this.byResource.get(resource);
    return declared === undefined ? [] : Object.keys(declared.scopes);
  }

  /**
   * A grant's scope as its token for `audience` carries it: the server's own scopes, and those
   * the audience declared; never another API's (RFC 8707 §2.2: a token is for one audience, and
   * says only what that audience allows), nor one no API declares any more (RESOURCE_SERVERS
   * changed since the grant: the operator withdrew it).
   */
  forAudience(scope: string, audience: string): string {
    return scope
      .split(' ')
      .filter((value) => isOwnScope(value) || this.byScope.get(value)?.resource === audience)
      .join(' ');
  }
}

/** The server's own scopes: those a user's authorization may ask, and its own APIs'. */
function isOwnScope(value: string): boolean {
  return (
    (SUPPORTED_SCOPES as readonly string[]).includes(value) ||
    isAdminScope(value) ||
    value === SSF_SCOPE
  );
}
