/**
 * Email sign-in as a browser does it, over supertest: the login page's form (its cookies and
 * CSRF token, kept by an agent), asking for a code, and reading the real mail the embedded SMTP
 * catcher received (GET /dev/mailbox as JSON) for its code and its link.
 */
import { domainToASCII } from 'node:url';
import request from 'supertest';
import type { CookieBrowser } from './cookie-browser';
import { hiddenField } from './login-form';
import { eventually } from './smtp-server';
import type { TestApp } from './test-app';

export type Agent = ReturnType<typeof request.agent>;

/** A browser of its own: cookies kept between requests. */
export function browser(t: TestApp): Agent {
  return request.agent(t.app.getHttpServer());
}

/**
 * The hidden fields of `form#email-login` on the login page (the browser's cookies set); with
 * `uiLocales`, the page asked in that language, and the language it posts on.
 */
export async function emailLoginForm(
  agent: Agent,
  returnTo?: string,
  uiLocales?: string,
): Promise<{ csrf_token: string; return_to: string; ui_locales?: string }> {
  const query = new URLSearchParams({
    ...(returnTo === undefined ? {} : { return_to: returnTo }),
    ...(uiLocales === undefined ? {} : { ui_locales: uiLocales }),
  }).toString();
  const page = await agent.get(query === '' ? '/login' : `/login?${query}`).expect(200);
  const form =
    /<form method="post" action="\/login\/email\/start" id="email-login">[\s\S]*?<\/form>/.exec(
      page.text,
    )?.[0];
  if (!form) throw new Error('The login page has no form#email-login');
  return {
    csrf_token: unescapeHtml(hiddenField(form, 'csrf_token')),
    return_to: unescapeHtml(hiddenField(form, 'return_to')),
    ...(uiLocales === undefined ? {} : { ui_locales: hiddenField(form, 'ui_locales') }),
  };
}

/** An attribute value as the browser reads it (the page escapes `&<>"'`). */
export function unescapeHtml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

export interface MailedCode {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly code: string;
  readonly link: string;
}

interface MailboxJson {
  mails: { to: string; subject: string; text: string; received_at: string }[];
}

/** The mails the app's catcher holds, newest first. */
export async function mailbox(t: TestApp): Promise<MailboxJson['mails']> {
  const res = await t.http().get('/dev/mailbox').set('Accept', 'application/json').expect(200);
  return (res.body as MailboxJson).mails;
}

/** The code and link of a mail's text (throws without a code; a link code's mail has no link: ''). */
export function codeOf(text: string): { code: string; link: string } {
  const code = /^\s+(\d{8})$/m.exec(text)?.[1];
  const link = /(https?:\/\/\S+\/login\/email\/link\?token=[\w-]+)/.exec(text)?.[1];
  if (!code) throw new Error(`No code in the mail: ${text}`);
  return { code, link: link ?? '' };
}

/** Waits for the `nth` mail (1: the first) to `to` the catcher received, and reads it. */
export async function mailTo(t: TestApp, to: string, nth = 1): Promise<MailedCode> {
  const mail = await eventually(async () => {
    const mine = (await mailbox(t)).filter((m) => m.to === to).reverse();
    return mine[nth - 1];
  }, `mail ${nth} to ${to}`);
  return { ...mail, ...codeOf(mail.text) };
}

/**
 * Asks for a code for `email` from `agent`'s login page (asked in `uiLocales`, if given), and
 * reads the mail it sends.
 */
export async function requestCode(
  t: TestApp,
  agent: Agent,
  email: string,
  returnTo?: string,
  uiLocales?: string,
): Promise<MailedCode & { fields: { csrf_token: string; return_to: string } }> {
  const fields = await emailLoginForm(agent, returnTo, uiLocales);
  const to = deliveredTo(email);
  const before = (await mailbox(t)).filter((m) => m.to === to).length;
  await agent
    .post('/login/email/start')
    .send({ email, ...fields })
    .expect(200, { sent: true });
  return { ...(await mailTo(t, to, before + 1)), fields };
}

/** The address mail for `email` goes to: lower-cased, its domain in ASCII (UTS #46) form. */
export function deliveredTo(email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at).toLowerCase()}@${domainToASCII(email.slice(at + 1))}`;
}

/** Requests a code for `email` and signs in with it: the browser's session, and the login's answer. */
export async function signInByEmail(
  t: TestApp,
  agent: Agent,
  email: string,
  returnTo?: string,
): Promise<{ redirect: string }> {
  const { code, fields } = await requestCode(t, agent, email, returnTo);
  const res = await agent
    .post('/login/email/verify')
    .send({ code, ...fields })
    .expect(200);
  return res.body as { redirect: string };
}

/**
 * A code asked for in a CookieBrowser against a listening app (`issuer`), as the login page's
 * script asks, and read from the mail at /dev/mailbox: the code and the page's fields. `mailboxes`:
 * the origins whose /dev/mailbox to read, the issuer's by default. Each instance catches what its
 * own outbox poller sends, and of instances sharing a database, another's poller may send the mail
 * the issuer's queued: a spec of several instances names each.
 */
export async function requestCodeAt(
  issuer: string,
  cookies: CookieBrowser,
  email: string,
  mailboxes: readonly string[] = [issuer],
): Promise<{ code: string; fields: { csrf_token: string; return_to: string } }> {
  const page = await (await cookies.get(`${issuer}/login`)).text();
  const form =
    /<form method="post" action="\/login\/email\/start" id="email-login">[\s\S]*?<\/form>/.exec(
      page,
    )?.[0];
  if (!form) throw new Error('The login page has no form#email-login');
  const fields = {
    csrf_token: unescapeHtml(hiddenField(form, 'csrf_token')),
    return_to: unescapeHtml(hiddenField(form, 'return_to')),
  };
  const to = deliveredTo(email);
  const mailboxOf = async (origin: string) =>
    (
      (await (
        await fetch(`${origin}/dev/mailbox`, { headers: { accept: 'application/json' } })
      ).json()) as MailboxJson
    ).mails.filter((mail) => mail.to === to);
  // Newest first, as each mailbox lists them.
  const mails = async () =>
    (await Promise.all(mailboxes.map(mailboxOf)))
      .flat()
      .sort((a, b) => Date.parse(b.received_at) - Date.parse(a.received_at));
  const before = (await mails()).length;
  const started = await cookies.postJson(`${issuer}/login/email/start`, { email, ...fields });
  if (started.status !== 200) throw new Error(`POST /login/email/start answered ${started.status}`);
  const mail = await eventually(async () => {
    const all = await mails();
    return all.length > before ? all[0] : undefined;
  }, `mail to ${to}`);
  return { code: codeOf(mail.text).code, fields };
}

/**
 * The same sign-in in a CookieBrowser against a listening app (`issuer`): a code, then posted
 * (`mailboxes`: as requestCodeAt reads them).
 */
export async function signInByEmailAt(
  issuer: string,
  cookies: CookieBrowser,
  email: string,
  mailboxes: readonly string[] = [issuer],
): Promise<void> {
  const { code, fields } = await requestCodeAt(issuer, cookies, email, mailboxes);
  const verified = await cookies.postJson(`${issuer}/login/email/verify`, { code, ...fields });
  if (verified.status !== 200)
    throw new Error(`POST /login/email/verify answered ${verified.status}`);
}
