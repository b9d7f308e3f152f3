import type { AuthMethod } from '../../proofs/proof-vocabulary';

export { DEVICE_CODE_GRANT_TYPE } from '../../protocol-rules/grant-types';

/** Where a device authorization stands: the user has not answered yet, or answered. */
export type DeviceAuthorizationStatus = 'pending' | 'approved' | 'denied';

/**
 * The user's sign-in, written into the device authorization when they approve it: what the token
 * endpoint opens the grant with (as an authorization code carries it). Never its `acr`: confirming
 * a user code can be phished (RFC 8628 §5.4), so no sign-in behind it is phishing-resistant.
 */
export interface DeviceApproval {
  sub: string;
  authMethod: AuthMethod;
  methodKey?: string;
  amr?: string[];
  /** OpenID Connect `auth_time`, seconds since the epoch. */
  authTime: number;
  /** The login session's `sid`: its logout reaches the grant (Back-Channel Logout 1.0). */
  sid?: string;
}

/**
 * The `device_code` challenge's payload: the request, and the state the client polls
 * (PolledAuthorizationState: `status`, `interval`, `pollableAt`, changed by compare-and-set only).
 */
export interface DeviceCodePayload extends Partial<DeviceApproval> {
  status: DeviceAuthorizationStatus;
  scope: string;
  /** RFC 8707: the resource the tokens will be for. */
  resource: string;
  /** RFC 8628 §3.2 `interval`, whole seconds; grows by 5 with each `slow_down`. */
  interval: number;
  /** The earliest time the next poll is in time: the last poll plus `interval`. */
  pollableAt: Date;
}

/**
 * The `device_user_code` challenge's payload: what the verification page shows, and the device
 * code's hash (never the code itself) that the user's answer updates.
 */
export interface DeviceUserCodePayload {
  deviceCodeHash: string;
  clientId: string;
  scope: string;
  resource: string;
}

/** The device code challenge's binding: redeemed only by the client it was issued to. */
export interface DeviceCodeBinding {
  client_id: string;
  [field: string]: string;
}
