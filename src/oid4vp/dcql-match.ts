/**
 * Whether one SD-JWT VC presentation, given for the credential query `credentialId`, answers a
 * DCQL query (OpenID4VP 1.0 §6, §8.6): its `vct` one of the query's `vct_values`, one of its
 * `claim_sets` disclosed (each claim present and not null), and so one option of every required
 * `credential_sets` entry (the query itself when it has none).
 */
export type PresentationMatch = (
  credentialId: string,
  vct: string,
  claims: Readonly<Record<string, unknown>>,
) => boolean;

interface CompiledCredential {
  readonly id: string;
  readonly vctValues?: ReadonlySet<string>;
  /**
   * The claim sets, each as the claim names it needs (every claim when the query has none; one
   * set of none when it has no claims).
   */
  readonly claimSets: readonly (readonly string[])[];
}

/** DCQL's identifiers (credential and claim ids): the dcql library's `idRegex`. */
const DCQL_ID = /^[a-zA-Z0-9_-]+$/;

/**
 * The query as a plain check, compiled once, for the queries dcqlQueryFor makes (dc+sd-jwt
 * credential queries of top-level claims or of none, no `values`, `trusted_authorities` or
 * `multiple`; `credential_sets` of options): the dcql library answers those at ~0.2-0.5 ms a
 * check (its valibot schemas are built per call), this in microseconds, and dcql-match.spec.ts
 * holds the two answers to each other. Undefined for any other query: its caller asks the library. One
 * difference, deliberate: a claim is present only as the claims' own property, where the library
 * also takes one inherited from Object.prototype (a claim named `constructor`).
 */
export function compileQueryMatch(query: unknown): PresentationMatch | undefined {
  if (!isRecord(query) || !onlyKeys(query, ['credentials', 'credential_sets'])) return undefined;
  const { credentials, credential_sets: credentialSets } = query;
  if (!Array.isArray(credentials) || credentials.length === 0) return undefined;
  const compiled: CompiledCredential[] = [];
  for (const credential of credentials) {
    const one = compileCredential(credential);
    if (one === undefined || compiled.some((other) => other.id === one.id)) return undefined;
    compiled.push(one);
  }
  const ids = new Set(compiled.map((credential) => credential.id));
  let sets: (readonly (readonly string[])[])[] | undefined;
  if (credentialSets !== undefined) {
    if (!Array.isArray(credentialSets) || credentialSets.length === 0) return undefined;
    sets = [];
    for (const set of credentialSets) {
      if (!isRecord(set) || !onlyKeys(set, ['options', 'required'])) return undefined;
      const { options, required } = set;
      if (required !== undefined && typeof required !== 'boolean') return undefined;
      if (!Array.isArray(options) || options.length === 0) return undefined;
      if (!options.every((option) => isIdList(option) && option.every((id) => ids.has(id)))) {
        return undefined;
      }
      // OpenID4VP 1.0 §6.2: `required` defaults to true; a set not required constrains nothing.
      if (required !== false) sets.push(options as string[][]);
    }
  }
  return (credentialId, vct, claims) => {
    const credential = compiled.find((candidate) => candidate.id === credentialId);
    if (credential === undefined) return false;
    if (credential.vctValues !== undefined && !credential.vctValues.has(vct)) return false;
    if (!credential.claimSets.some((set) => set.every((claim) => disclosed(claims, claim)))) {
      return false;
    }
    // Only this credential was presented: an option is met when it names no other.
    if (sets === undefined) return compiled.every((other) => other.id === credentialId);
    return sets.every((options) =>
      options.some((option) => option.every((id) => id === credentialId)),
    );
  };
}

function compileCredential(credential: unknown): CompiledCredential | undefined {
  if (!isRecord(credential)) return undefined;
  if (!onlyKeys(credential, ['id', 'format', 'meta', 'claims', 'claim_sets'])) return undefined;
  const { id, format, meta, claims, claim_sets: claimSets } = credential;
  if (typeof id !== 'string' || !DCQL_ID.test(id) || format !== 'dc+sd-jwt') return undefined;
  let vctValues: Set<string> | undefined;
  if (meta !== undefined) {
    if (!isRecord(meta) || !onlyKeys(meta, ['vct_values'])) return undefined;
    if (meta.vct_values !== undefined) {
      if (!isStringList(meta.vct_values)) return undefined;
      vctValues = new Set(meta.vct_values);
    }
  }
  // No claims (and so no claim sets): any presentation of the credential answers (§6.4.1).
  if (claims === undefined && claimSets === undefined) {
    return { id, ...(vctValues === undefined ? {} : { vctValues }), claimSets: [[]] };
  }
  // Each claim `{ id, path: [name] }`: a top-level claim, named by its id in the claim sets.
  if (!Array.isArray(claims) || claims.length === 0) return undefined;
  const names = new Map<string, string>();
  for (const claim of claims) {
    if (!isRecord(claim) || !onlyKeys(claim, ['id', 'path'])) return undefined;
    const { id: claimId, path } = claim;
    if (typeof claimId !== 'string' || !DCQL_ID.test(claimId) || names.has(claimId)) {
      return undefined;
    }
    if (!Array.isArray(path) || path.length !== 1 || typeof path[0] !== 'string') return undefined;
    names.set(claimId, path[0]);
  }
  const sets: string[][] = [];
  if (claimSets === undefined) {
    sets.push([...names.values()]);
  } else {
    if (!Array.isArray(claimSets) || claimSets.length === 0) return undefined;
    for (const set of claimSets) {
      if (!isIdList(set) || set.length === 0 || !set.every((claimId) => names.has(claimId))) {
        return undefined;
      }
      sets.push(set.map((claimId) => names.get(claimId)!));
    }
  }
  return { id, ...(vctValues === undefined ? {} : { vctValues }), claimSets: sets };
}

/** DCQL: a claim the path selects is there when it is neither null nor absent. */
function disclosed(claims: Readonly<Record<string, unknown>>, name: string): boolean {
  if (!Object.hasOwn(claims, name)) return false;
  const value = claims[name];
  return value !== null && value !== undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(value).every((key) => allowed.includes(key));
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isIdList(value: unknown): value is string[] {
  return isStringList(value) && value.every((id) => DCQL_ID.test(id));
}
