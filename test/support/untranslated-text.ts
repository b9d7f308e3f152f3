import { DomUtils, parseDocument } from 'htmlparser2';
import { en, type Catalogue } from '../../src/platform/i18n/messages/en';
import { PageLocale } from '../../src/platform/i18n/page-locale';

const OPEN = '⟦';
const CLOSE = '⟧';

/** English with every message wrapped in ⟦…⟧: what a page shows in it came from a catalogue. */
export function pseudoLocale(): PageLocale {
  const wrapped = Object.fromEntries(
    Object.entries(en).map(([id, message]) => [id, `${OPEN}${message}${CLOSE}`]),
  ) as Catalogue;
  return new PageLocale('en', wrapped);
}

/** The attributes a person reads (or hears) besides text. */
const READ_ATTRIBUTES = ['title', 'placeholder', 'aria-label', 'alt'];

type ChildNode = ReturnType<typeof parseDocument>['children'][number];

/** The text a person reads, in document order: text nodes outside script and style. */
function visibleText(nodes: readonly ChildNode[]): string {
  return nodes
    .map((node) => {
      if (DomUtils.isText(node)) return node.data;
      if (DomUtils.isTag(node) && node.name !== 'script' && node.name !== 'style') {
        return visibleText(node.children);
      }
      return '';
    })
    .join('');
}

function readAttributes(nodes: readonly ChildNode[]): string[] {
  return nodes.flatMap((node) =>
    DomUtils.isTag(node)
      ? [
          ...READ_ATTRIBUTES.flatMap((name) =>
            node.attribs[name] === undefined ? [] : [node.attribs[name]],
          ),
          ...readAttributes(node.children),
        ]
      : [],
  );
}

/** `text` without its ⟦…⟧ spans (nested ones too) and without the data values. */
function leftOver(text: string, data: readonly string[]): string {
  let rest = text;
  for (let previous = ''; previous !== rest;) {
    previous = rest;
    rest = rest.replace(/⟦[^⟦⟧]*⟧/g, ' ');
  }
  for (const value of [...data].sort((a, b) => b.length - a.length)) {
    rest = rest.split(value).join(' ');
  }
  // What is left may be layout only: spaces and punctuation between messages.
  return rest.replace(/[\s.,:;()·/|-]+/g, ' ').trim();
}

/**
 * The text of an HTML page, rendered in `pseudoLocale()`, that comes from no catalogue and is no
 * data value of the fixture (`data`: usernames, client names, scopes as sent): `[]` when every
 * word a person reads is translated.
 */
export function untranslatedText(html: string, data: readonly string[]): string[] {
  const document = parseDocument(html);
  const found = leftOver(visibleText(document.children), data);
  const attributes = readAttributes(document.children)
    .map((value) => leftOver(value, data))
    .filter((rest) => rest !== '');
  return [...(found === '' ? [] : [found]), ...attributes];
}

/** The `lang` of the page's `<html>`. */
export function pageLanguage(html: string): string | undefined {
  const root = parseDocument(html).children.find(
    (node) => DomUtils.isTag(node) && node.name === 'html',
  );
  return root !== undefined && DomUtils.isTag(root) ? root.attribs.lang : undefined;
}

/**
 * The English messages (ids starting with `prefix`, without arguments or tags) that `locale` says
 * otherwise but that the page still shows as a whole line of text: `[]` on a translated page.
 */
export function englishLeft(html: string, locale: PageLocale, prefix: string): string[] {
  const english = Object.entries(en)
    .filter(([id, text]) => id.startsWith(prefix) && !/[{<]/.test(text))
    .filter(([id, text]) => locale.t(id as keyof typeof en) !== text)
    .map(([, text]) => text);
  const lines = html.replace(/<[^>]*>/g, '\n').split('\n');
  return english.filter((message) => lines.includes(message));
}
