import type { GrantFilter } from '../../tokens/grants/grant';
import type { GrantRevocation, ListedGrant } from './grant-administration.service';

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

/** One grant's revocation, as `grants revoke <grant_id> --json` and `DELETE …/grants/{id}` answer it. */
export function revocationJson(result: GrantRevocation) {
  return {
    grant_id: result.grantId,
    sub: result.sub,
    client_id: result.clientId,
    revoked: result.revoked,
    revoked_at: result.revokedAt,
  };
}

/** The grants a `user` and/or a `client` (the CLI's `--user`, `--client`) name; neither: all. */
export function grantFilterOf(owner: { user?: string; client?: string }): GrantFilter {
  return {
    ...(owner.user === undefined ? {} : { sub: owner.user }),
    ...(owner.client === undefined ? {} : { clientId: owner.client }),
  };
}
