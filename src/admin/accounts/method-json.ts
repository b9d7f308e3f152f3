import { type SignInMethod, upstreamAccountOf } from '../../accounts/account';
import { type Ended, endedJson } from '../io/ended-json';

/** A sign-in method as `accounts methods --json` and `/admin/v1/accounts` show it. */
export function methodJson(method: SignInMethod) {
  return {
    method: method.key,
    type: method.type,
    added_at: method.addedAt,
    last_used_at: method.lastUsedAt,
    ...(method.passkey
      ? {
          device_type: method.passkey.deviceType,
          backed_up: method.passkey.backedUp,
          counter: method.passkey.counter,
          hardware_bound: method.passkey.hardwareBound === true,
          ...(method.passkey.aaguid === undefined ? {} : { aaguid: method.passkey.aaguid }),
          ...(method.passkey.authenticatorName === undefined
            ? {}
            : { authenticator_name: method.passkey.authenticatorName }),
        }
      : {}),
    ...(method.type === 'upstream'
      ? {
          provider: upstreamAccountOf(method.key).providerId,
          subject: upstreamAccountOf(method.key).subject,
          ...(method.upstream?.email === undefined ? {} : { email: method.upstream.email }),
        }
      : {}),
  };
}

/** A removed method and what its removal ended (`accounts unlink --json`, the admin API's DELETE). */
export function methodRemovedJson(key: string, removed: Ended) {
  return { removed: key, ...endedJson(removed) };
}
