import { escapeHtml } from '../platform/http/html';
import type { OutgoingMail } from '../mail/mail';
import { EMAIL_CODE_TTL_SECONDS } from './email.proof';
import type { MessageId, PageLocale } from '../platform/i18n/page-locale';

const MINUTES = EMAIL_CODE_TTL_SECONDS / 60;

/** The code set apart on a line of its own, easy to read and to copy. */
function codeBlock(code: string): string {
  return `<p style="font-size:1.6em;letter-spacing:0.2em"><strong>${escapeHtml(code)}</strong></p>`;
}

/**
 * The sign-in mail, in the language of the login page it was asked from: the code, and the link
 * on the issuer's origin carrying the separate token (and that language, for the link's page).
 * Neither is worth anything in another browser, and the mail says not to share them.
 */
export function signInCodeMail(
  to: string,
  { issuer, code, link }: { issuer: string; code: string; link: string },
  locale: PageLocale,
): OutgoingMail {
  const host = new URL(issuer).host;
  const t = (id: MessageId) => locale.t(id, { host, minutes: MINUTES });
  const text = `${t('mail.sign_in.intro')}

    ${code}

${t('mail.sign_in.enter')}

${link}

${t('mail.sign_in.rules')}
${t('mail.sign_in.ignore')}
`;
  const html = `<p>${escapeHtml(t('mail.sign_in.intro'))}</p>
${codeBlock(code)}
<p>${escapeHtml(t('mail.sign_in.enter'))}</p>
<p><a href="${escapeHtml(link)}">${escapeHtml(t('mail.sign_in.link'))}</a></p>
<p>${escapeHtml(t('mail.sign_in.rules'))}
${escapeHtml(t('mail.sign_in.ignore'))}</p>`;
  return { to, subject: t('mail.sign_in.subject'), text, html };
}

/**
 * The mail that adds the address to a signed-in account: a code only, in the language of the
 * account page it was asked from.
 */
export function linkCodeMail(
  to: string,
  { issuer, code }: { issuer: string; code: string },
  locale: PageLocale,
): OutgoingMail {
  const host = new URL(issuer).host;
  const t = (id: MessageId) => locale.t(id, { host, minutes: MINUTES });
  const text = `${t('mail.add_address.intro')}

    ${code}

${t('mail.add_address.enter')}
${t('mail.add_address.ignore')}
`;
  const html = `<p>${escapeHtml(t('mail.add_address.intro'))}</p>
${codeBlock(code)}
<p>${escapeHtml(t('mail.add_address.enter'))}
${escapeHtml(t('mail.add_address.ignore'))}</p>`;
  return { to, subject: t('mail.add_address.subject'), text, html };
}
