import { MAX_METHODS_PER_ACCOUNT } from '../../accounts/account.repository';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../../accounts/users/user-account.service';
import type { ProtocolError } from '../../platform/errors/protocol-error';
import type { MessageId, PageText } from '../../platform/i18n/page-locale';
import { DYNAMIC_CLIENT_ID_PREFIX } from '../../protocol-rules/client-id';

/** A refusal of one of the account page's forms: its status, and what the page says of it. */
export interface AccountRefusal {
  readonly status: number;
  readonly text: PageText;
}

/** The refusals named by their wire `error` alone. */
const BY_ERROR: Readonly<Record<string, MessageId>> = {
  username_taken: 'account.refusal.username_taken',
  password_already_set: 'account.refusal.password_already_set',
  method_already_linked: 'account.refusal.method_already_linked',
  too_many_sign_in_methods: 'account.refusal.too_many_methods',
  last_sign_in_method: 'account.refusal.last_method',
  not_found: 'account.refusal.not_linked',
  invalid_code: 'email.error.invalid_code',
};

/** The refusals one `error` covers several of, told apart by their reason. */
const BY_REASON: Readonly<Record<string, MessageId>> = {
  own_wallet: 'account.refusal.own_wallet',
  own_provider: 'account.refusal.own_provider',
  login_not_recent: 'account.refusal.login_not_recent',
  cross_device: 'account.refusal.cross_device',
  email_alone: 'account.refusal.email_alone',
  passkey_needed: 'account.refusal.passkey_needed',
  hardware_passkey_needed: 'account.refusal.hardware_passkey_needed',
  username_format: 'account.refusal.username_format',
  username_reserved: 'account.refusal.username_reserved',
  password_too_short: 'account.refusal.password_too_short',
  password_too_long: 'account.refusal.password_too_long',
  password_lines: 'account.refusal.password_lines',
  username_is_subject: 'account.refusal.username_is_subject',
};

/**
 * What the account page says of a refusal of its forms, in the person's language: each refusal
 * its rules foresee has its message; one they do not (none is known) is said as the server states
 * it, in English, inside a message that says the change was refused.
 */
export function accountRefusal(
  error: ProtocolError,
  context: { readonly recentLoginSeconds: number; readonly subject: string },
): AccountRefusal {
  const id =
    (error.reason === undefined ? undefined : BY_REASON[error.reason]) ?? BY_ERROR[error.error];
  const values = {
    max: id === 'account.refusal.password_too_long' ? PASSWORD_MAX_LENGTH : MAX_METHODS_PER_ACCOUNT,
    min: PASSWORD_MIN_LENGTH,
    prefix: DYNAMIC_CLIENT_ID_PREFIX,
    seconds: context.recentLoginSeconds,
    subject: context.subject,
  };
  const text: PageText =
    id === undefined
      ? { id: 'account.refusal.other', values: { description: error.description } }
      : { id, values };
  return { status: error.status, text };
}
