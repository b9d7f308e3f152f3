import { ENGLISH_ONLY, escapeHtml, renderPage } from '../platform/http/html';
import type { CaughtMail } from './mail-catcher';

/** An http(s) URL in a mail's text: shown as a link, so the mail's sign-in link is one click. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;

/** The mail's text, escaped, each URL in it a link. */
function textWithLinks(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    html += escapeHtml(text.slice(last, match.index));
    const url = escapeHtml(match[0]);
    html += `<a href="${url}">${url}</a>`;
    last = match.index + match[0].length;
  }
  return html + escapeHtml(text.slice(last));
}

function mailHtml(mail: CaughtMail, index: number): string {
  return `<article class="card mail" id="mail-${index}">
<h2>${escapeHtml(mail.subject)}</h2>
<p class="muted">To <strong class="mail-to">${escapeHtml(mail.to)}</strong>, from ${escapeHtml(mail.from)}, received <time datetime="${mail.receivedAt.toISOString()}">${escapeHtml(mail.receivedAt.toISOString())}</time></p>
<pre class="mail-text">${textWithLinks(mail.text)}</pre>
</article>`;
}

/**
 * GET /dev/mailbox: the mail this instance's embedded catcher received, newest first, each with
 * its text (a sign-in code's mail: the code, and the link as a link). Open a link in the browser
 * that asked for the code: it signs in there.
 */
export function renderMailbox(mails: readonly CaughtMail[]): string {
  const list =
    mails.length === 0
      ? '<p id="mailbox-empty" class="card">No mail yet. Ask for a sign-in code on the <a href="/login">login page</a>, then reload this page.</p>'
      : mails.map(mailHtml).join('\n');
  return renderPage({
    title: 'Mailbox',
    locale: ENGLISH_ONLY,
    body: `<h1>Mailbox <span class="muted">(development)</span></h1>
<p>The mail this instance sent, newest first. Outside production, with <code>SMTP_URL</code> unset, mail goes to an SMTP server built into Proofgate, on this machine only, and shows here instead of in a real inbox. Open a sign-in link in the browser where you asked for the code, or type the code there.</p>
${list}`,
  });
}
