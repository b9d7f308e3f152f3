import { escapeHtml } from '../../../platform/http/html';
import type { OutgoingMail } from '../../../mail/mail';
import { type PageLocale, TrustedHtml } from '../../../platform/i18n/page-locale';

/**
 * The mail that tells a person an application asks to act for them (CIBA): who asks, the binding
 * message to compare with the application's screen, and the link to the approvals page, where
 * they sign in and answer. Nothing in it approves anything. Written in the language the request
 * asked for (its `ui_locales`); the client's name and its binding message are data, as sent.
 */
export function cibaRequestMail(
  to: string,
  {
    clientName,
    bindingMessage,
    link,
  }: { clientName: string; bindingMessage?: string; link: string },
  locale: PageLocale,
): OutgoingMail {
  const host = new URL(link).host;
  const t = (id: Parameters<PageLocale['t']>[0], values: Record<string, string> = {}) =>
    locale.t(id, { client: clientName, host, ...values });
  const message =
    bindingMessage === undefined
      ? ''
      : `\n${t('mail.ciba.message', { message: bindingMessage })}\n`;
  const text = `${t('mail.ciba.asks')}
${message}
${t('mail.ciba.answer', { page: t('mail.ciba.page') })}

${link}

${t('mail.ciba.unexpected')} ${t('mail.ciba.never_by_mail')}
`;
  const strong = (value: string) => new TrustedHtml(`<strong>${escapeHtml(value)}</strong>`);
  const page = new TrustedHtml(
    `<a href="${escapeHtml(link)}">${escapeHtml(t('mail.ciba.page'))}</a>`,
  );
  const html = `<p>${locale.html('mail.ciba.asks', { client: strong(clientName), host })}</p>
${bindingMessage === undefined ? '' : `<p>${locale.html('mail.ciba.message', { message: strong(bindingMessage) })}</p>\n`}<p>${locale.html('mail.ciba.answer', { page })}</p>
<p>${escapeHtml(t('mail.ciba.unexpected'))}</p>`;
  return { to, subject: t('mail.ciba.subject'), text, html };
}
