import { InvalidRequest } from '../../platform/errors/protocol-error';
import { PageLocale } from '../../platform/i18n/page-locale';
import {
  pageLanguage,
  pseudoLocale,
  untranslatedText,
} from '../../../test/support/untranslated-text';
import { renderErrorPage } from './error-page';

const error = new InvalidRequest('redirect_uri is not registered for this client');
/** The protocol's own words, shown as sent: the error code, its description, the link's host. */
const DATA = ['error', 'error_description', 'invalid_request', error.description, 'rp.example'];

describe('the authorization error page in the person’s language', () => {
  it.each([
    ['with no way back', undefined],
    ['with a link back', 'https://rp.example/cb?error=invalid_request'],
  ])('renders no text that is not from a catalogue: %s', (_, back) => {
    expect(untranslatedText(renderErrorPage(error, back, pseudoLocale()), DATA)).toEqual([]);
  });

  it('renders French with lang="fr", the protocol error as sent', () => {
    const html = renderErrorPage(error, undefined, PageLocale.of('fr'));
    expect(pageLanguage(html)).toBe('fr');
    expect(html).toContain('<h1>Demande d’autorisation refusée</h1>');
    expect(html).toContain(`<dd id="error_description">${error.description}</dd>`);
  });
});
