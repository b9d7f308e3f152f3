import { escapeHtml } from '../platform/http/html';
import type { OutgoingMail } from '../mail/mail';
import { EMAIL_CODE_TTL_SECONDS } from './email.proof';

const MINUTES = EMAIL_CODE_TTL_SECONDS / 60;

/** The code set apart on a line of its own, easy to read and to copy. */
function codeBlock(code: string): string {
  return `<p style="font-size:1.6em;letter-spacing:0.2em"><strong>${escapeHtml(code)}</strong></p>`;
}

/**
 * The sign-in mail: the code, and the link on the issuer's origin carrying the separate token.
 * Neither is worth anything in another browser, and the mail says not to share them.
 */
export function signInCodeMail(
  to: string,
  { issuer, code, link }: { issuer: string; code: string; link: string },
): OutgoingMail {
  const host = new URL(issuer).host;
  const text = `Your sign-in code for ${host} is:

    ${code}

Enter it on the page where you asked for it, or open this link in the same browser:

${link}

The code and the link work once, for ${MINUTES} minutes, and only in the browser that asked for them.
If you did not ask to sign in, ignore this mail, and never share the code with anyone.
`;
  const html = `<p>Your sign-in code for ${escapeHtml(host)} is:</p>
${codeBlock(code)}
<p>Enter it on the page where you asked for it, or open this link in the same browser:</p>
<p><a href="${escapeHtml(link)}">Sign in to ${escapeHtml(host)}</a></p>
<p>The code and the link work once, for ${MINUTES} minutes, and only in the browser that asked for them.
If you did not ask to sign in, ignore this mail, and never share the code with anyone.</p>`;
  return { to, subject: `Your sign-in code for ${host}`, text, html };
}

/** The mail that adds the address to a signed-in account: a code only. */
export function linkCodeMail(
  to: string,
  { issuer, code }: { issuer: string; code: string },
): OutgoingMail {
  const host = new URL(issuer).host;
  const text = `Your code to add this address to your account at ${host} is:

    ${code}

Enter it where you asked for it. It works once, for ${MINUTES} minutes.
If you did not ask for it, ignore this mail, and never share the code with anyone.
`;
  const html = `<p>Your code to add this address to your account at ${escapeHtml(host)} is:</p>
${codeBlock(code)}
<p>Enter it where you asked for it. It works once, for ${MINUTES} minutes.
If you did not ask for it, ignore this mail, and never share the code with anyone.</p>`;
  return { to, subject: `Add this address to your account at ${host}`, text, html };
}
