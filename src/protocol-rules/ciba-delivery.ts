/**
 * CIBA Core 1.0 §4, §5: how a client of the CIBA grant gets its answer. `poll` (the default):
 * it polls /token. `ping`: it also registers a `backchannel_client_notification_endpoint`, to
 * which the server POSTs `{ auth_req_id }` once the person answered (§10.2), and it still
 * collects the tokens at /token. `push` (tokens POSTed to the client) is not offered.
 */

import { CIBA_GRANT_TYPE } from './grant-types';
import { isIP } from 'node:net';
import { isLocalhostName, nonPublicAddressReason } from '../platform/http/outbound/address-class';
import { backchannelLogoutUriProblem } from './backchannel-logout-uri';

export const CIBA_DELIVERY_MODES = ['poll', 'ping'] as const;
export type CibaDeliveryMode = (typeof CIBA_DELIVERY_MODES)[number];

/** What a client registered about CIBA delivery, as sent (metadata names). */
export interface CibaDeliveryMetadata {
  readonly grantTypes: readonly string[];
  readonly mode: unknown;
  readonly endpoint: unknown;
}

/** A problem with the registered delivery, by the metadata field it is about. */
export interface CibaDeliveryProblem {
  readonly field: 'backchannel_token_delivery_mode' | 'backchannel_client_notification_endpoint';
  readonly problem: string;
}

/**
 * The ping endpoint a client registered, or undefined for a poll client (or one without the
 * grant); else the problem. `allowPrivate` (outside production): plain http on a loopback or
 * private address is accepted, as for a back-channel logout URI; in production https only (and
 * the SSRF guard keeps each POST on public addresses).
 */
export function cibaDelivery(
  { grantTypes, mode, endpoint }: CibaDeliveryMetadata,
  { allowPrivate }: { allowPrivate: boolean },
): { endpoint?: string; problem?: CibaDeliveryProblem } {
  if (mode !== undefined && !(CIBA_DELIVERY_MODES as readonly unknown[]).includes(mode)) {
    return {
      problem: {
        field: 'backchannel_token_delivery_mode',
        problem:
          mode === 'push'
            ? 'must be poll or ping: the push mode (tokens POSTed to the client) is not supported'
            : 'must be poll or ping',
      },
    };
  }
  const ciba = grantTypes.includes(CIBA_GRANT_TYPE);
  if (mode !== undefined && !ciba) {
    return {
      problem: {
        field: 'backchannel_token_delivery_mode',
        problem: `is for a client of the ${CIBA_GRANT_TYPE} grant`,
      },
    };
  }
  if (mode !== 'ping') {
    if (endpoint === undefined) return {};
    return {
      problem: {
        field: 'backchannel_client_notification_endpoint',
        problem:
          'is for the ping mode: register backchannel_token_delivery_mode "ping" with it, or poll without it',
      },
    };
  }
  // §4: REQUIRED for the ping mode, and https.
  if (endpoint === undefined) {
    return {
      problem: {
        field: 'backchannel_client_notification_endpoint',
        problem: 'is required with backchannel_token_delivery_mode "ping" (CIBA Core 1.0 §4)',
      },
    };
  }
  if (typeof endpoint !== 'string') {
    return {
      problem: { field: 'backchannel_client_notification_endpoint', problem: 'must be a string' },
    };
  }
  const problem =
    backchannelLogoutUriProblem(endpoint, { allowPrivate }) ??
    (allowPrivate ? undefined : nonPublicHostProblem(new URL(endpoint).hostname));
  if (problem) return { problem: { field: 'backchannel_client_notification_endpoint', problem } };
  return { endpoint };
}

/**
 * Without `allowPrivate`, a host that is plainly not public (`localhost` and the names under it,
 * RFC 6761 §6.3; a loopback, private or link-local IP literal) is refused at registration; a name
 * that resolves to one is refused by the SSRF guard at each POST.
 */
function nonPublicHostProblem(hostname: string): string | undefined {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  if (!isLocalhostName(host) && isIP(host) === 0) return undefined;
  const reason = isLocalhostName(host) ? 'loopback' : nonPublicAddressReason(host);
  return reason === undefined ? undefined : `must be on a public address (not ${reason})`;
}
