import { InvalidRequest, InvalidScope } from '../../../../platform/errors/protocol-error';
import { checkRequestedResource } from '../../../../tokens/grants/grant-resource';
import { MAX_ACTOR_DEPTH, type Actor } from '../../../../tokens/access-token';

/** RFC 8693 §3: the token type of an access token, the only type exchanged here and issued. */
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * RFC 8693 §2.1: the subject token must be one this server can read (a Proofgate access token),
 * and the token asked for one it issues (an access token); anything else is the request's fault.
 */
export function checkTokenTypes(subjectTokenType: string, requestedTokenType?: string): void {
  if (subjectTokenType !== ACCESS_TOKEN_TYPE) {
    throw new InvalidRequest(
      `subject_token_type must be ${ACCESS_TOKEN_TYPE}: only Proofgate access tokens are exchanged`,
    ).because('unsupported_subject_token_type');
  }
  if (requestedTokenType !== undefined && requestedTokenType !== ACCESS_TOKEN_TYPE) {
    throw new InvalidRequest(
      `requested_token_type must be ${ACCESS_TOKEN_TYPE}: only access tokens are issued`,
    ).because('unsupported_requested_token_type');
  }
}

/**
 * RFC 8693 §2.1 `scope`: the exchanged token carries the subject token's scope or a part of it,
 * never more (RFC 6749 §6's rule for a refresh, applied to the subject token).
 */
export function narrowedScope(subjectScope: string, requested: string | undefined): string {
  if (requested === undefined) return subjectScope;
  const allowed = new Set(subjectScope.split(' ').filter(Boolean));
  const asked = [...new Set(requested.split(' ').filter(Boolean))];
  if (asked.length === 0) throw new InvalidScope('scope is malformed');
  if (asked.some((value) => !allowed.has(value))) {
    throw new InvalidScope('The requested scope exceeds the scope of the subject token').because(
      'scope_escalation',
    );
  }
  return asked.join(' ');
}

/**
 * RFC 8693 §2.1 `resource` and `audience`, RFC 8707 §2.2: the target must be one the subject
 * token's grant authorized (`invalid_target` otherwise, §2.2.2), by either name; both given, they
 * must agree. Naming none keeps the subject token's `aud`. `granted`: the grant's resources when
 * it authorized several (`ActiveGrant.resources`); absent, its one resource is the subject
 * token's `aud`.
 */
export function exchangeTarget(
  subjectAudience: string,
  granted: readonly string[] | undefined,
  target: { resource?: string; audience?: string },
): string {
  const { resource, audience } = target;
  if (resource !== undefined && audience !== undefined && resource !== audience) {
    throw new InvalidRequest('resource and audience name different targets');
  }
  const named = resource ?? audience;
  if (named === undefined) return subjectAudience;
  return checkRequestedResource(granted ?? [subjectAudience], named);
}

/**
 * RFC 8693 §4.1: the exchanged token's `act` names the client acting for the subject; a subject
 * token that already had an actor keeps it nested (the chain of delegation, newest outermost).
 */
export function actingClient(clientId: string, prior: Actor | undefined): Actor {
  if (prior === undefined) return { sub: clientId };
  let depth = 1;
  for (let actor = prior.act; actor !== undefined; actor = actor.act) depth += 1;
  // A token's `act` is read back at most MAX_ACTOR_DEPTH deep (AccessTokenService.verify).
  if (depth >= MAX_ACTOR_DEPTH) {
    throw new InvalidRequest('subject_token has been exchanged too many times').because(
      'actor_chain_too_long',
    );
  }
  return { sub: clientId, act: prior };
}
