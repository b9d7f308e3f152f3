import type { ListedGrant } from './grant-administration.service';

/** A grant as `grants list --json` and `/admin/v1/grants` show it: never a refresh token's hash. */
export function grantJson(grant: ListedGrant) {
  return {
    grant_id: grant.grantId,
    sub: grant.sub,
    client_id: grant.clientId,
    scope: grant.scope,
    auth_method: grant.authMethod,
    status: grant.status,
    created_at: grant.createdAt,
    expires_at: grant.expiresAt,
    revoked_at: grant.revokedAt ?? null,
    revoked_reason: grant.revokedReason ?? null,
  };
}
