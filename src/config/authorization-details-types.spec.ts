import { readAuthorizationDetailsTypes } from './authorization-details-types';
import { ConfigError } from './env-parsers';

describe('AUTHORIZATION_DETAILS_TYPES', () => {
  const read = (value: unknown) =>
    readAuthorizationDetailsTypes(
      { AUTHORIZATION_DETAILS_TYPES: JSON.stringify(value) },
      'AUTHORIZATION_DETAILS_TYPES',
    );

  it('reads each type with its schema and template', () => {
    const types = { pay: { schema: { type: 'object' }, template: 'Pay {{amount}}' } };
    expect(read(types)).toEqual(types);
    expect(readAuthorizationDetailsTypes({}, 'AUTHORIZATION_DETAILS_TYPES')).toEqual({});
  });

  it('refuses a schema the validator cannot use, and a template that names no field', () => {
    let error: unknown;
    try {
      read({
        pay: { schema: { type: 'objekt' }, template: 'Pay {{amount}}' },
        read: { schema: { type: 'object' }, template: 'Read it' },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(
        /^AUTHORIZATION_DETAILS_TYPES: the type "pay" has a schema the validator refuses: /,
      ),
      'AUTHORIZATION_DETAILS_TYPES: the type "read" has a template that names no {{field}}',
    ]);
  });
});
