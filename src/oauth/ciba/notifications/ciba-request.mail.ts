import { escapeHtml } from '../../../platform/http/html';
import type { OutgoingMail } from '../../../mail/mail';

/**
 * The mail that tells a person an application asks to act for them (CIBA): who asks, the binding
 * message to compare with the application's screen, and the link to the approvals page, where
 * they sign in and answer. Nothing in it approves anything.
 */
export function cibaRequestMail(
  to: string,
  {
    clientName,
    bindingMessage,
    link,
  }: { clientName: string; bindingMessage?: string; link: string },
): OutgoingMail {
  const host = new URL(link).host;
  const message = bindingMessage === undefined ? '' : `\nIts message: ${bindingMessage}\n`;
  const text = `${clientName} asks to act for you at ${host}.
${message}
Approve or deny it on your approvals page (sign in first if asked):

${link}

If you did not expect this, deny it. Nobody from ${host} will ever ask you to approve by mail or phone.
`;
  const html = `<p><strong>${escapeHtml(clientName)}</strong> asks to act for you at ${escapeHtml(host)}.</p>
${bindingMessage === undefined ? '' : `<p>Its message: <strong>${escapeHtml(bindingMessage)}</strong></p>\n`}<p>Approve or deny it on <a href="${escapeHtml(link)}">your approvals page</a> (sign in first if asked).</p>
<p>If you did not expect this, deny it.</p>`;
  return { to, subject: `${clientName} asks to act for you`, text, html };
}
