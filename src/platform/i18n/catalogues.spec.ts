import {
  type MessageFormatElement,
  isArgumentElement,
  isLiteralElement,
  isPluralElement,
  isPoundElement,
  isSelectElement,
  isTagElement,
  parse,
} from '@formatjs/icu-messageformat-parser';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { de } from './messages/de';
import { en } from './messages/en';
import { es } from './messages/es';
import { fr } from './messages/fr';
import {
  PageLocale,
  SCRIPT_MESSAGES,
  SUPPORTED_LOCALES,
  TrustedHtml,
  chooseLocale,
} from './page-locale';

const CATALOGUES = { en, de, fr, es } as Record<string, Record<string, string>>;

/** The arguments and tags a message uses, e.g. `arg:count`, `tag:strong`, sorted. */
function argumentsOf(message: string): string[] {
  const found = new Set<string>();
  const walk = (elements: MessageFormatElement[]) => {
    for (const element of elements) {
      if (isTagElement(element)) {
        found.add(`tag:${element.value}`);
        walk(element.children);
      } else if (isPluralElement(element) || isSelectElement(element)) {
        found.add(`arg:${element.value}`);
        for (const option of Object.values(element.options)) walk(option.value);
      } else if (!isLiteralElement(element) && !isPoundElement(element)) {
        // An argument: plain, number, date or time.
        found.add(`arg:${element.value}`);
      }
    }
  };
  walk(parse(message));
  return [...found].sort();
}

describe('the message catalogues', () => {
  it('has a catalogue per supported language, English first', () => {
    expect(Object.keys(CATALOGUES)).toEqual([...SUPPORTED_LOCALES]);
  });

  it.each(['de', 'fr', 'es'])('%s has exactly the ids of en', (locale) => {
    expect(Object.keys(CATALOGUES[locale]).sort()).toEqual(Object.keys(en).sort());
  });

  it.each(['de', 'fr', 'es'])(
    '%s uses the same arguments and tags as en in every message',
    (locale) => {
      const differing = Object.entries(en).filter(
        ([id, message]) =>
          JSON.stringify(argumentsOf(CATALOGUES[locale][id])) !==
          JSON.stringify(argumentsOf(message)),
      );
      expect(differing.map(([id]) => id)).toEqual([]);
    },
  );

  it('uses no tag but strong, code and em, and no raw & or < outside them', () => {
    for (const catalogue of Object.values(CATALOGUES)) {
      for (const message of Object.values(catalogue)) {
        // An argument named as a tag would be the tag's function (PageLocale.html).
        const args = argumentsOf(message).filter((a) => a.startsWith('arg:'));
        expect(args).not.toEqual(expect.arrayContaining(['arg:strong']));
        expect(args).not.toEqual(expect.arrayContaining(['arg:code']));
        expect(args).not.toEqual(expect.arrayContaining(['arg:em']));
        for (const tag of argumentsOf(message).filter((a) => a.startsWith('tag:'))) {
          expect(['tag:strong', 'tag:code', 'tag:em']).toContain(tag);
        }
        expect(message.replace(/<\/?(strong|code|em)>/g, '')).not.toMatch(/[&<>]/);
      }
    }
  });

  it('gives the page scripts messages with plain {name} arguments only (proofgate.js fills them)', () => {
    for (const catalogue of Object.values(CATALOGUES)) {
      for (const [id, message] of Object.entries(catalogue)) {
        if (!id.startsWith(SCRIPT_MESSAGES)) continue;
        expect(parse(message).every((e) => isLiteralElement(e) || isArgumentElement(e))).toBe(true);
      }
    }
  });

  it('has every message the page scripts ask for (src/public/*.js, Proofgate.text)', () => {
    const scripts = join(__dirname, '..', '..', 'public');
    const asked = readdirSync(scripts)
      .filter((file) => file.endsWith('.js'))
      .flatMap((file) => [
        ...readFileSync(join(scripts, file), 'utf8').matchAll(/\btext\('([^']+)'/g),
      ])
      .map(([, id]) => id);
    expect(asked).toEqual(expect.arrayContaining(['script.approval.approved']));
    expect(asked.filter((id) => !id.startsWith(SCRIPT_MESSAGES) || !(id in en))).toEqual([]);
  });

  it('finds that the argument check fails for a missing argument (the check itself can fail)', () => {
    expect(
      argumentsOf('Hello {name}, <strong>{count, plural, one {#} other {#}}</strong>'),
    ).toEqual(['arg:count', 'arg:name', 'tag:strong']);
    expect(argumentsOf('Hallo')).toEqual([]);
  });
});

describe('chooseLocale (OpenID Connect Core §3.1.2.1 ui_locales, then Accept-Language)', () => {
  it.each([
    ['de', [], 'de'],
    ['xx de', [], 'de'],
    ['fr-CA', [], 'fr'],
    ['es-419 en', ['de'], 'es'],
    ['xx', ['fr-FR', 'de'], 'fr'],
    [undefined, ['pt-BR', 'es'], 'es'],
    ['xx', [], 'en'],
    ['%%% not-a-tag!', ['*'], 'en'],
    [undefined, [], 'en'],
    ['', ['zz'], 'en'],
  ] as const)('ui_locales %p, Accept-Language %p: %s', (ui, accepted, expected) => {
    expect(chooseLocale(ui, accepted)).toBe(expected);
  });
});

describe('PageLocale', () => {
  it('formats plurals, dates and numbers in its language', () => {
    const values = { unit: 'minutes', count: 1 };
    expect(PageLocale.of('de').t('login.error.too_many', values)).toContain('in 1 Minute erneut');
    expect(PageLocale.of('en').t('login.error.too_many', { ...values, count: 3 })).toContain(
      '3 minutes',
    );
    const date = new Date(Date.UTC(2026, 10, 28, 12));
    const options = { dateStyle: 'long', timeZone: 'UTC' } as const;
    expect(PageLocale.of('fr').formatDate(date, options)).toBe('28 novembre 2026');
    expect(PageLocale.of('de').formatDate(date, options)).toBe('28. November 2026');
    expect(PageLocale.of('es').formatNumber(1234.5)).toBe('1234,5');
    expect(PageLocale.of('de').formatNumber(12345.5)).toBe('12.345,5');
  });

  it('escapes text values in HTML, keeps its own tags and the HTML a page vouches for', () => {
    const html = PageLocale.of('en').html('login.pending', {
      client: '<b>&',
      clientId: new TrustedHtml('<span>(x)</span>'),
    });
    expect(html).toBe('&lt;b&gt;&amp; <span>(x)</span> asks you to sign in.');
    expect(PageLocale.of('de').html('login.signed_in', { subject: '"u"' })).toBe(
      'Angemeldet als <strong>&quot;u&quot;</strong>.',
    );
  });
});
