/**
 * Reading the login pages and their cookies as a browser would, over supertest: the Set-Cookie
 * lines of a response, a cookie's value and attributes, a form's hidden fields, the error shown.
 */
import type request from 'supertest';
import type { Agent } from './oauth';

export type HttpResponse = request.Response;

/** Every Set-Cookie line of the response. */
export function setCookies(res: HttpResponse): string[] {
  const header: unknown = res.headers['set-cookie'];
  return Array.isArray(header) ? (header as string[]) : [];
}

/** The Set-Cookie line for cookie `name`, if the response sets it. */
export function setCookie(res: HttpResponse, name: string): string | undefined {
  return setCookies(res).find((line) => line.startsWith(`${name}=`));
}

/** The value of a Set-Cookie line (as sent, not decoded); an error when there is none. */
export function cookieValue(line: string | undefined): string {
  const match = /^[^=]+=([^;]*)/.exec(line ?? '');
  if (!match) throw new Error(`No cookie in ${line}`);
  return match[1];
}

/** The attributes of a Set-Cookie line, trimmed and lower-cased (`httponly`, `path=/`, ...). */
export function attributes(line: string | undefined): string[] {
  return (line ?? '')
    .split(';')
    .slice(1)
    .map((part) => part.trim().toLowerCase());
}

/** The value of the page's hidden input `name`; an error when the page has none. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  if (!match) throw new Error(`No hidden ${name} field in the page`);
  return match[1];
}

/** The error the login page shows (its role="alert" paragraph), if any. */
export function errorText(html: string): string | undefined {
  return /<p id="login-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];
}

/** The CSRF token a page's form carries (the login page's, the account page's, ...). */
export function csrfOf(html: string): string {
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error('no CSRF token on the page');
  return token;
}

/** The login page's "Sign out": GET /login, then POST /logout with the page's CSRF token (303). */
export async function signOut(agent: Agent): Promise<void> {
  const page = await agent.get('/login').expect(200);
  await agent
    .post('/logout')
    .type('form')
    .send({ csrf_token: csrfOf(page.text) })
    .expect(303);
}
