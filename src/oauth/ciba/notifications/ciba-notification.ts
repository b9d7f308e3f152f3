/**
 * What the CIBA outbox delivers, each row one of:
 * - `ping` (CIBA Core 1.0 §10.2): `{ auth_req_id }` POSTed to a ping client's endpoint with its
 *   `client_notification_token` as Bearer, once the person answered;
 * - `announce`: a new request, written for every request the backchannel endpoint accepts (for
 *   an account that may be asked or not, so that the endpoint's work and answer do not tell them
 *   apart); worked off the request path into a `notify` row and a mail for a known account, and
 *   into nothing for nobody;
 * - `notify`: the signed JWT POSTed to CIBA_NOTIFY_URL.
 */
export type CibaNotificationKind = 'ping' | 'announce' | 'notify';

export const CIBA_NOTIFICATION_KINDS: readonly CibaNotificationKind[] = [
  'ping',
  'announce',
  'notify',
];

/** A ping's content, sealed at rest: two secrets of the client (never logged). */
export interface PingContent {
  readonly endpoint: string;
  readonly authReqId: string;
  readonly clientNotificationToken: string;
}

import type { SupportedLocale } from '../../../platform/i18n/page-locale';

/** A new request as its person is told of it: never its auth_req_id. */
export interface AnnouncedRequest {
  /** The account asked; absent when the hint named nobody who may be asked (told nothing). */
  readonly sub?: string;
  readonly clientId: string;
  readonly clientName: string;
  readonly bindingMessage?: string;
  /**
   * The language of the mail that tells the person: the request's `ui_locales`, chosen when it
   * was made (English when it named none supported; absent in a row written before, English too).
   */
  readonly locale?: SupportedLocale;
  /** When the request expires, seconds since the epoch. */
  readonly expiresAt: number;
}

/** One row claimed for an attempt: its content still sealed. */
export interface CibaNotification {
  readonly deliveryId: string;
  readonly kind: CibaNotificationKind;
  readonly clientId: string;
  readonly sealed: string;
  readonly giveUpAt: Date;
  readonly attempts: number;
}
