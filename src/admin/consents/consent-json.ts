import type { Consent } from '../../oauth/consent/consent';

/** As the CLI's `--json` and the admin API show it. */
export function consentJson(consent: Consent) {
  return {
    sub: consent.sub,
    client_id: consent.clientId,
    scope: consent.scopes.join(' '),
    resources: consent.resources,
    granted_at: consent.grantedAt,
    updated_at: consent.updatedAt,
    expires_at: consent.expiresAt,
  };
}
