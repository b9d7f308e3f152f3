import { DcqlPresentationResult, DcqlQuery } from 'dcql';
import { compileQueryMatch } from './dcql-match';
import { dcqlQueryFor } from './dcql-query';

const PID = { id: 'pid', vct: ['urn:eudi:pid:1'] };
const OTHER = { id: 'other_pid', vct: ['urn:eudi:pid:de:1', 'urn:eudi:pid:1'] };
/** The default, the old default (all needed by scope identity), another, and none. */
const SUBJECT_CLAIMS = [
  ['personal_administrative_number'],
  ['given_name', 'family_name', 'birthdate'],
  ['sub_id'],
  [],
];
const SCOPES = [
  ['openid'],
  ['openid', 'identity'],
  ['openid', 'age'],
  ['openid', 'identity', 'age'],
];
const CLAIM_NAMES = [
  'given_name',
  'family_name',
  'birthdate',
  'age_over_18',
  'sub_id',
  'personal_administrative_number',
];
/** Every kind of value a disclosed claim may carry, and absent (undefined). */
const VALUES: unknown[] = [undefined, null, 'Alice', '', 0, 42, false, true, {}, { a: 1 }, []];
const VCTS = ['urn:eudi:pid:1', 'urn:eudi:pid:de:1', 'urn:other', ''];

/** The dcql library's answer, as the verifier asked it before: a throw is a refusal. */
function libraryMatch(
  query: Record<string, unknown>,
  credentialId: string,
  vct: string,
  claims: Record<string, unknown>,
): boolean {
  try {
    return DcqlPresentationResult.fromDcqlPresentation(
      {
        [credentialId]: [
          {
            credential_format: 'dc+sd-jwt',
            vct,
            claims: claims as Record<string, never>,
            cryptographic_holder_binding: true,
          },
        ],
      },
      { dcqlQuery: DcqlQuery.parse(query as DcqlQuery.Input) },
    ).can_be_satisfied;
  } catch {
    return false;
  }
}

/** Claims sets: each claim name given each value in turn, the others a plain string. */
function claimVariants(): Record<string, unknown>[] {
  const variants: Record<string, unknown>[] = [{}];
  for (const name of CLAIM_NAMES) {
    for (const value of VALUES) {
      const claims: Record<string, unknown> = {};
      for (const other of CLAIM_NAMES) claims[other] = other === name ? value : 'x';
      if (value === undefined) delete claims[name];
      variants.push(claims);
    }
  }
  // Only the claims of one scope each, as a wallet disclosing no more than asked would, with and
  // without the subject claim.
  const identity = { given_name: 'A', family_name: 'B', birthdate: '1990' };
  variants.push(
    { age_over_18: true },
    identity,
    { ...identity, personal_administrative_number: 'P' },
    { personal_administrative_number: 'P' },
  );
  return variants;
}

/** The ids of the query's credential queries. */
const idsOf = (query: Record<string, unknown>) =>
  (query.credentials as { id: string }[]).map(({ id }) => id);

function expectSameAnswers(
  query: Record<string, unknown>,
  credentialIds: readonly string[] = idsOf(query),
  answerable = true,
) {
  const match = compileQueryMatch(query);
  expect(match).toBeDefined();
  let accepted = 0;
  for (const credentialId of [...credentialIds, 'unknown']) {
    for (const vct of VCTS) {
      for (const claims of claimVariants()) {
        const expected = libraryMatch(query, credentialId, vct, claims);
        const context = JSON.stringify({ query, credentialId, vct, claims });
        expect({ context, answer: match!(credentialId, vct, claims) }).toEqual({
          context,
          answer: expected,
        });
        if (expected) accepted++;
      }
    }
  }
  // Both answers occur: the comparison is not of two refusals only.
  expect(accepted > 0).toBe(answerable);
}

describe('compileQueryMatch answers as the dcql library does', () => {
  // Every shape dcqlQueryFor makes: one claim set or two, and (scope openid alone) a second
  // query of each credential without claims; each of its credential queries answered in turn.
  for (const subjectClaims of SUBJECT_CLAIMS) {
    for (const scope of SCOPES) {
      it(`one credential, scope ${scope.join(' ')}, subject claims [${subjectClaims.join(',')}]`, () => {
        expectSameAnswers(dcqlQueryFor([PID], scope, subjectClaims));
      });
      it(`two credentials (credential_sets), scope ${scope.join(' ')}, subject claims [${subjectClaims.join(',')}]`, () => {
        expectSameAnswers(dcqlQueryFor([PID, OTHER], scope, subjectClaims));
      });
    }
  }

  it('the second claim set answers for a credential without the subject claims, the first before it', () => {
    const match = compileQueryMatch(
      dcqlQueryFor([PID], ['openid', 'identity'], ['personal_administrative_number']),
    )!;
    const names = { given_name: 'A', family_name: 'B', birthdate: '1990' };
    expect(match('pid', 'urn:eudi:pid:1', names)).toBe(true);
    expect(match('pid', 'urn:eudi:pid:1', { ...names, personal_administrative_number: 'P' })).toBe(
      true,
    );
    expect(match('pid', 'urn:eudi:pid:1', { personal_administrative_number: 'P' })).toBe(false);
    // Scope openid alone: the query without claims answers for any credential of its vct.
    const bare = compileQueryMatch(
      dcqlQueryFor([PID], ['openid'], ['personal_administrative_number']),
    )!;
    expect(bare('pid', 'urn:eudi:pid:1', {})).toBe(false);
    expect(bare('pid_no_claims', 'urn:eudi:pid:1', {})).toBe(true);
    expect(bare('pid_no_claims', 'urn:other', {})).toBe(false);
  });

  it('a query without claim_sets (every claim), without meta, and with a set not required', () => {
    const every = {
      credentials: [
        {
          id: 'pid',
          format: 'dc+sd-jwt',
          claims: [
            { id: 'a', path: ['given_name'] },
            { id: 'b', path: ['age_over_18'] },
          ],
        },
      ],
    };
    expectSameAnswers(every, ['pid']);
    const two = dcqlQueryFor([PID, OTHER], ['openid', 'age'], []);
    // An option of both credentials: one presentation alone never answers it.
    expectSameAnswers(
      { ...two, credential_sets: [{ options: [['pid', 'other_pid']] }] },
      ['other_pid', 'pid'],
      false,
    );
    expectSameAnswers(
      {
        ...two,
        credential_sets: [
          { options: [['pid'], ['other_pid']] },
          { options: [['pid', 'other_pid']], required: false },
        ],
      },
      ['pid', 'other_pid'],
    );
    // Without credential_sets, two credential queries each need their presentation: one alone
    // never answers the query.
    const both = { credentials: two.credentials };
    expect(compileQueryMatch(both)!('pid', 'urn:eudi:pid:1', { age_over_18: true })).toBe(false);
    expect(libraryMatch(both, 'pid', 'urn:eudi:pid:1', { age_over_18: true })).toBe(false);
  });

  it('leaves any other query to the library (undefined)', () => {
    const [pid] = dcqlQueryFor([PID], ['openid', 'age'], []).credentials as Record<
      string,
      unknown
    >[];
    const others: unknown[] = [
      null,
      [],
      { credentials: [] },
      { credentials: [{ ...pid, format: 'mso_mdoc' }] },
      { credentials: [{ ...pid, multiple: true }] },
      { credentials: [{ ...pid, trusted_authorities: [{ type: 'aki', values: ['x'] }] }] },
      { credentials: [{ ...pid, claims: [{ id: 'a', path: ['address', 'street'] }] }] },
      { credentials: [{ ...pid, claims: [{ id: 'a', path: ['age_over_18'], values: [true] }] }] },
      { credentials: [{ ...pid, claim_sets: [['nowhere']] }] },
      // Claim sets without claims.
      { credentials: [{ ...pid, claims: undefined }] },
      { credentials: [pid, pid] },
      { credentials: [pid], credential_sets: [{ options: [['nowhere']] }] },
      { credentials: [pid], credential_sets: [{ options: [['pid']], purpose: 'x' }] },
      { credentials: [{ ...pid, id: 'not an id' }] },
    ];
    for (const query of others) expect(compileQueryMatch(query)).toBeUndefined();
  });

  it('takes only own claims (the library takes a claim named after an Object.prototype member)', () => {
    const query = {
      credentials: [
        { id: 'pid', format: 'dc+sd-jwt', claims: [{ id: 'c', path: ['constructor'] }] },
      ],
    };
    expect(compileQueryMatch(query)!('pid', 'urn:eudi:pid:1', {})).toBe(false);
    expect(compileQueryMatch(query)!('pid', 'urn:eudi:pid:1', { constructor: 'x' })).toBe(true);
  });
});
