import type { ClientConfig, OAuthConfig } from '../config/sections/oauth.config';
import {
  DEFAULT_GRANT_TYPES,
  configuredGrantTypesProblem,
  type GrantTypeProblem,
  type GrantTypeRules,
} from '../protocol-rules/grant-types';

/** A client the operator registers (OAUTH_CLIENTS, `proofgate-admin clients add`), as configured. */
export type ConfiguredClientGrants = Pick<
  ClientConfig,
  'clientSecret' | 'jwks' | 'jwksUri' | 'redirectUris' | 'grantTypes' | 'responseTypes'
>;

/**
 * RFC 7591 §2.1 for a client the operator registers: its `grant_types`, if it names any, by the
 * grants' rules; it authenticates if it has a secret or private_key_jwt keys.
 */
export function configuredClientGrantProblem(
  client: ConfiguredClientGrants,
  rules: GrantTypeRules,
): GrantTypeProblem | undefined {
  if (client.grantTypes === undefined && client.responseTypes === undefined) return undefined;
  const confidential =
    client.clientSecret !== undefined || client.jwks !== undefined || client.jwksUri !== undefined;
  return configuredGrantTypesProblem(
    {
      grantTypes: client.grantTypes ?? DEFAULT_GRANT_TYPES,
      confidential,
      redirectUris: client.redirectUris,
      ...(client.responseTypes === undefined ? {} : { responseTypes: client.responseTypes }),
    },
    rules,
  );
}

/**
 * RFC 7591 §2.1 for the clients the service registers at start (OAUTH_CLIENTS and the demo seed):
 * their `grant_types` by the grants' rules, one line per client that breaks them, naming it as
 * the configuration does (`OAUTH_CLIENTS[1].grant_types ...`). The configuration is read before
 * the grants are known (config/ imports no oauth/), so this runs where they are registered,
 * before any is written.
 */
export function configuredClientGrantProblems(
  oauth: Pick<OAuthConfig, 'clients' | 'demoClientIds'>,
  rules: GrantTypeRules,
): string[] {
  // OAuthConfig.clients is the demo clients OAUTH_CLIENTS leaves, then OAUTH_CLIENTS in its order.
  const configured = oauth.clients.filter(
    (client) => !oauth.demoClientIds.includes(client.clientId),
  );
  return oauth.clients.flatMap((client) => {
    const problem = configuredClientGrantProblem(client, rules);
    if (problem === undefined) return [];
    const index = configured.indexOf(client);
    const where = index < 0 ? `Demo client ${client.clientId}: ` : `OAUTH_CLIENTS[${index}].`;
    return [`${where}${problem.field} ${problem.problem}`];
  });
}
