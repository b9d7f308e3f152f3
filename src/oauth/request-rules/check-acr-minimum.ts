import { InvalidScope, InvalidTarget } from '../../platform/errors/protocol-error';
import { unmetAcr, type AcrMinimums, type TokenAuthentication } from '../../protocol-rules/acr';

/**
 * RFC 9470 §3 at the token endpoint: a grant issues no token whose resource or scope asks for a
 * stronger sign-in (ACR_REQUIRED_BY_RESOURCE, ACR_REQUIRED_BY_SCOPE) than the token's `acr`
 * says its subject achieved, by the same rule the resource server refuses such a token with
 * (`unmetAcr`). The machine grants cannot send anyone to sign in again, so they refuse: a client's
 * own token (client_credentials, a workload JWT) has no user and no `acr`; an ID-JAG carries the
 * `acr` its identity provider asserted; an exchanged token the one of its subject token.
 *
 * RFC 8707 §2: a resource refused is `invalid_target` (checked first: it needs the sign-in
 * whatever the scope); RFC 6749 §5.2: a scope refused is `invalid_scope`.
 */
export function checkAcrMinimum(token: TokenAuthentication, minimums: AcrMinimums): void {
  const unmet = unmetAcr(token, minimums);
  if (unmet === undefined) return;
  const lacking = `requires acr ${unmet.acr} (a phishing-resistant user sign-in), and the token would carry no acr that meets it`;
  if (unmet.byResource) {
    throw new InvalidTarget(`The resource ${lacking}`).because('acr_unmet');
  }
  throw new InvalidScope(`The scope ${unmet.byScopes.join(' ')} ${lacking}`).because('acr_unmet');
}
