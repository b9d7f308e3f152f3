import { claimSetsFor, dcqlQueryFor } from './dcql-query';

const PID = { id: 'pid', vct: ['urn:eudi:pid:1'] };
const OTHER = { id: 'other_pid', vct: ['urn:eudi:pid:de:1'] };
const PAN = ['personal_administrative_number'];
const NAMES = ['given_name', 'family_name', 'birthdate'];

const claims = (names: readonly string[]) => names.map((name) => ({ id: name, path: [name] }));

describe('claimSetsFor: the scope and subject claims first, then the scope alone', () => {
  it.each([
    [['openid', 'identity'], PAN, [[...PAN, ...NAMES], NAMES]],
    [
      ['openid', 'identity', 'age'],
      PAN,
      [
        [...PAN, ...NAMES, 'age_over_18'],
        [...NAMES, 'age_over_18'],
      ],
    ],
    // Scope age alone: age_over_18 alone, no subject claim.
    [['openid', 'age'], PAN, [['age_over_18']]],
    // No claim of the scope's: the second set is empty (dcqlQueryFor asks without claims).
    [['openid'], PAN, [PAN, []]],
    [[], PAN, [PAN, []]],
    // Subject claims the scope needs already: one set, no duplicate.
    [['openid', 'identity'], NAMES, [NAMES]],
    [
      ['openid', 'identity'],
      ['birthdate', 'given_name'],
      [['birthdate', 'given_name', 'family_name']],
    ],
    [['openid'], NAMES, [NAMES, []]],
    [['openid'], [], [[]]],
  ])('scope %j, subject claims %j', (scope, subject, expected) => {
    expect(claimSetsFor(scope, subject)).toEqual(expected);
  });
});

describe('dcqlQueryFor', () => {
  it('scope identity: the claims listed once, two claim_sets options', () => {
    expect(dcqlQueryFor([PID], ['openid', 'identity'], PAN)).toEqual({
      credentials: [
        {
          id: 'pid',
          format: 'dc+sd-jwt',
          meta: { vct_values: ['urn:eudi:pid:1'] },
          claims: claims([...PAN, ...NAMES]),
          claim_sets: [[...PAN, ...NAMES], NAMES],
        },
      ],
    });
  });

  it('scope identity, optional (a link): the names first, then the subject claims, then without claims', () => {
    expect(dcqlQueryFor([PID], ['identity'], PAN, true)).toEqual({
      credentials: [
        {
          id: 'pid',
          format: 'dc+sd-jwt',
          meta: { vct_values: ['urn:eudi:pid:1'] },
          claims: claims([...PAN, ...NAMES]),
          claim_sets: [[...PAN, ...NAMES], NAMES, PAN],
        },
        { id: 'pid_no_claims', format: 'dc+sd-jwt', meta: { vct_values: ['urn:eudi:pid:1'] } },
      ],
      credential_sets: [{ options: [['pid'], ['pid_no_claims']] }],
    });
  });

  it('scope identity with subject claims it needs already: one option', () => {
    const [query] = dcqlQueryFor([PID], ['openid', 'identity'], NAMES).credentials as Record<
      string,
      unknown
    >[];
    expect(query.claims).toEqual(claims(NAMES));
    expect(query.claim_sets).toEqual([NAMES]);
  });

  it('scope age alone: age_over_18 alone, one option', () => {
    const [query] = dcqlQueryFor([PID], ['openid', 'age'], PAN).credentials as Record<
      string,
      unknown
    >[];
    expect(query.claims).toEqual(claims(['age_over_18']));
    expect(query.claim_sets).toEqual([['age_over_18']]);
  });

  it('scope openid alone: the subject claims, else the credential again without claims (credential_sets)', () => {
    expect(dcqlQueryFor([PID, OTHER], ['openid'], PAN)).toEqual({
      credentials: [
        {
          id: 'pid',
          format: 'dc+sd-jwt',
          meta: { vct_values: ['urn:eudi:pid:1'] },
          claims: claims(PAN),
          claim_sets: [PAN],
        },
        {
          id: 'other_pid',
          format: 'dc+sd-jwt',
          meta: { vct_values: ['urn:eudi:pid:de:1'] },
          claims: claims(PAN),
          claim_sets: [PAN],
        },
        { id: 'pid_no_claims', format: 'dc+sd-jwt', meta: { vct_values: ['urn:eudi:pid:1'] } },
        {
          id: 'other_pid_no_claims',
          format: 'dc+sd-jwt',
          meta: { vct_values: ['urn:eudi:pid:de:1'] },
        },
      ],
      credential_sets: [
        { options: [['pid'], ['other_pid'], ['pid_no_claims'], ['other_pid_no_claims']] },
      ],
    });
  });

  it('a query without claims takes an id no configured credential has', () => {
    const taken = { id: 'pid_no_claims', vct: ['urn:example:1'] };
    const ids = (dcqlQueryFor([PID, taken], ['openid'], PAN).credentials as { id: string }[]).map(
      ({ id }) => id,
    );
    expect(ids).toEqual(['pid', 'pid_no_claims', 'pid_no_claims_', 'pid_no_claims_no_claims']);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('no subject claim and no scope claim: the credential without claims, one query', () => {
    expect(dcqlQueryFor([PID], ['openid'], [])).toEqual({
      credentials: [{ id: 'pid', format: 'dc+sd-jwt', meta: { vct_values: ['urn:eudi:pid:1'] } }],
    });
  });
});
