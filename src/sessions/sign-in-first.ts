import type { PageLocale } from '../platform/i18n/page-locale';

/** The login page's path. */
const LOGIN_PAGE = '/login';

/**
 * `path` in the language it was asked in (`ui_locales`), if any: the browser's Accept-Language
 * chooses it otherwise. `query` is the rest of the page's query, already encoded.
 */
export function inAskedLanguage(
  path: string,
  locale: PageLocale | undefined,
  query: readonly string[] = [],
): string {
  const parts = [...query, ...(locale === undefined ? [] : [`ui_locales=${locale.locale}`])];
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}

/**
 * To the login page, and back to `path` (a page of this service, with the rest of its query,
 * already encoded) after it. A language the page was asked in goes along to both: the login page
 * is in it, and so is `path` again. Without one, both follow the browser's Accept-Language.
 */
export function signInFirst(
  path: string,
  locale: PageLocale | undefined,
  query: readonly string[] = [],
): string {
  const back = inAskedLanguage(path, locale, query);
  const locales = locale === undefined ? '' : `&ui_locales=${locale.locale}`;
  return `${LOGIN_PAGE}?return_to=${encodeURIComponent(back)}${locales}`;
}
