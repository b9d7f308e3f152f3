import { definedFields } from './defined-fields';

describe('definedFields', () => {
  it('renames the fields that are set and leaves out the ones that are not, false and empty kept', () => {
    const body: { client_name?: string; grant_types?: string[]; require_pkce?: boolean } = {
      grant_types: [],
      require_pkce: false,
    };
    const fields = definedFields<
      { name?: string; grantTypes?: string[]; requirePkce?: boolean },
      typeof body
    >(body, {
      name: 'client_name',
      grantTypes: 'grant_types',
      requirePkce: 'require_pkce',
    });
    expect(fields).toEqual({ grantTypes: [], requirePkce: false });
    expect('name' in fields).toBe(false);
  });

  it('ignores fields the names do not map', () => {
    expect(
      definedFields<{ x: number }, { a: number; b: number }>({ a: 1, b: 2 }, { x: 'a' }),
    ).toEqual({
      x: 1,
    });
  });
});
