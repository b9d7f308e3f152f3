import { createIntl, createIntlCache, type IntlShape } from '@formatjs/intl';
import type { FormatXMLElementFn } from 'intl-messageformat';
import { match } from '@formatjs/intl-localematcher';
import accepts from 'accepts';
import type { IncomingMessage } from 'node:http';
import type { WithHeaders } from '../http/cookies';
import { escapeHtml } from '../http/escape-html';
import { de } from './messages/de';
import { en, type Catalogue, type MessageId } from './messages/en';
import { es } from './messages/es';
import { fr } from './messages/fr';

export type { MessageId } from './messages/en';

/** The languages of the pages and mails, `ui_locales_supported` in discovery; English first. */
export const SUPPORTED_LOCALES = ['en', 'de', 'fr', 'es'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: SupportedLocale = 'en';

const CATALOGUES: Record<SupportedLocale, Catalogue> = { en, de, fr, es };

/** A message's values: text (escaped), numbers, or HTML the page made and vouches for. */
export type MessageValues = Readonly<Record<string, string | number | TrustedHtml>>;

/** HTML a page built itself (every interpolated value in it already escaped). */
export class TrustedHtml {
  constructor(readonly html: string) {}
}

/** A message to show, chosen by a service and put into words by the page's locale. */
export interface PageText {
  readonly id: MessageId;
  readonly values?: Readonly<Record<string, string | number>>;
}

/**
 * A refusal's `Retry-After` as a message's `{unit}` and `{count}`: seconds under two minutes,
 * else whole minutes, rounded up.
 */
export function waitValues(retryAfterSeconds: number): Readonly<Record<string, string | number>> {
  return retryAfterSeconds < 120
    ? { unit: 'seconds', count: retryAfterSeconds }
    : { unit: 'minutes', count: Math.ceil(retryAfterSeconds / 60) };
}

/** The ids of the messages the page scripts show; they take plain `{name}` arguments only. */
export const SCRIPT_MESSAGES = 'script.';

/** The tags a catalogue's message may hold (en.ts), and nothing else. */
const TAGS = ['strong', 'code', 'em'] as const;
const tagValues: Record<string, FormatXMLElementFn<TrustedHtml>> = Object.fromEntries(
  TAGS.map((tag) => [
    tag,
    (chunks: (string | TrustedHtml)[]) =>
      new TrustedHtml(`<${tag}>${chunks.map(htmlOf).join('')}</${tag}>`),
  ]),
);

function htmlOf(part: unknown): string {
  return part instanceof TrustedHtml ? part.html : String(part);
}

/**
 * The person's language for one request's page or mail: its messages (FormatJS, ICU
 * MessageFormat) and its dates and numbers (the platform's Intl). Made once per request
 * (`pageLocaleOf`) and handed to the page that renders.
 */
export class PageLocale {
  private readonly intl: IntlShape<TrustedHtml>;

  constructor(
    /** The BCP 47 tag: `<html lang>`, and what Intl formats with. */
    readonly locale: string,
    private readonly messages: Catalogue,
  ) {
    const cache = createIntlCache();
    this.intl = createIntl<TrustedHtml>(
      {
        locale,
        defaultLocale: DEFAULT_LOCALE,
        messages,
        // A message that does not format is a bug of the catalogue (its spec catches it): thrown.
        onError: (error) => {
          throw error;
        },
      },
      cache,
    );
  }

  private static readonly shared = new Map<SupportedLocale, PageLocale>();

  /** The locale of one supported language (made once, shared: it holds no request data). */
  static of(locale: SupportedLocale): PageLocale {
    let made = PageLocale.shared.get(locale);
    if (made === undefined) {
      made = new PageLocale(locale, CATALOGUES[locale]);
      PageLocale.shared.set(locale, made);
    }
    return made;
  }

  /** The message as plain text (to escape where it goes into HTML). */
  t(id: MessageId, values?: Readonly<Record<string, string | number>>): string {
    return this.intl.formatMessage({ id }, values);
  }

  /** The message as HTML: its own tags kept, its text values escaped, trusted HTML values as is. */
  html(id: MessageId, values: MessageValues = {}): string {
    const clash = Object.keys(values).find((name) => (TAGS as readonly string[]).includes(name));
    if (clash !== undefined) throw new Error(`${id}: the value ${clash} is named as a tag`);
    const escaped = Object.fromEntries(
      Object.entries(values).map(([name, value]) => [
        name,
        typeof value === 'string' ? escapeHtml(value) : value,
      ]),
    );
    const parts = this.intl.formatMessage({ id }, { ...escaped, ...tagValues });
    return Array.isArray(parts) ? parts.map(htmlOf).join('') : htmlOf(parts);
  }

  private scriptMessagesBlock: string | undefined;

  /**
   * The page scripts' messages (`script.*`), unformatted, as the text of the page's JSON data
   * block (`<` escaped: no `</script>` inside), made once per language: the scripts fill their
   * `{name}` arguments themselves (src/public/proofgate.js `text`).
   */
  scriptMessagesJson(): string {
    this.scriptMessagesBlock ??= JSON.stringify(
      Object.fromEntries(
        Object.entries(this.messages).filter(([id]) => id.startsWith(SCRIPT_MESSAGES)),
      ),
    ).replace(/</g, '\\u003c');
    return this.scriptMessagesBlock;
  }

  /** A `PageText` chosen elsewhere, as plain text. */
  text({ id, values }: PageText): string {
    return this.t(id, values);
  }

  formatDate(date: Date | number, options?: Intl.DateTimeFormatOptions): string {
    return this.intl.formatDate(date, options);
  }

  formatNumber(value: number, options?: Parameters<IntlShape['formatNumber']>[1]): string {
    return this.intl.formatNumber(value, options);
  }
}

/** The tags of a space-separated list (`ui_locales`), the ones that are valid BCP 47 only. */
function validTags(tags: readonly string[]): string[] {
  return tags.filter((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  });
}

/** What `match` answers when no requested tag finds a supported language. */
const NONE_SUPPORTED = 'und';

/** The tags of a space-separated list (`ui_locales`). */
const tagsOf = (list: string | undefined): string[] =>
  (list ?? '').split(' ').filter((tag) => tag !== '');

/** The supported language the first of `tags` that finds one finds (`de-AT` finds `de`). */
function firstSupported(tags: readonly string[]): SupportedLocale | undefined {
  const requested = validTags(tags);
  if (requested.length === 0) return undefined;
  const found = match(requested, SUPPORTED_LOCALES, NONE_SUPPORTED, { algorithm: 'lookup' });
  return found === NONE_SUPPORTED ? undefined : (found as SupportedLocale);
}

/**
 * OpenID Connect Core §3.1.2.1: `ui_locales` (space-separated, in order of preference) first,
 * then the browser's Accept-Language (RFC 9110 §12.5.4, by weight), then English. A tag that
 * names no supported language, or is no tag at all, is passed over: never an error. `de-AT`
 * finds `de` (the lookup algorithm of RFC 4647 §3.4).
 */
export function chooseLocale(
  uiLocales: string | undefined,
  acceptLanguages: readonly string[],
): SupportedLocale {
  return (
    firstSupported([...tagsOf(uiLocales), ...acceptLanguages.filter((tag) => tag !== '*')]) ??
    DEFAULT_LOCALE
  );
}

/**
 * The supported language a `ui_locales` list names first, or undefined when it names none: what a
 * page hands on to the next instead of the list as it came, which may be long and is the
 * client's, not the page's, to answer for.
 */
export function localeNamedIn(uiLocales: string | undefined): SupportedLocale | undefined {
  return firstSupported(tagsOf(uiLocales));
}

/**
 * The language a page was explicitly asked in (its `ui_locales`), to hand on where it sends the
 * browser (the login page, and back); undefined without one: the browser's Accept-Language
 * chooses on the next page as it did on this one.
 */
export function askedLocaleOf(
  req: WithHeaders,
  uiLocales: string | undefined,
): PageLocale | undefined {
  return uiLocales === undefined ? undefined : pageLocaleOf(req, uiLocales);
}

/** The request's page locale: `uiLocales` (the authorization request's, or the page's query). */
export function pageLocaleOf(req: WithHeaders, uiLocales?: string): PageLocale {
  // `accepts` reads the request's headers only.
  const languages =
    req.headers['accept-language'] === undefined ? [] : accepts(req as IncomingMessage).languages();
  return PageLocale.of(chooseLocale(uiLocales, languages));
}
