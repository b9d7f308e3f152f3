/** The names of the fields of `S` whose values, when set, are `V`s. */
type FieldsHolding<S, V> = {
  [F in keyof S]-?: Exclude<S[F], undefined> extends V ? F : never;
}[keyof S];

/** For each field of `T` to fill, the field of `S` it comes from (of a type it can take). */
export type FieldNames<T, S> = {
  readonly [K in keyof T]?: FieldsHolding<S, Exclude<T[K], undefined>>;
};

/**
 * The fields of `source` that are set, renamed as `names` says (`{ grantTypes: 'grant_types' }`):
 * what a caller left out stays absent, never `undefined` (a change names only what it changes).
 * The compiler checks both names of each pair, and that the value fits.
 */
export function definedFields<T extends object, S extends object>(
  source: S,
  names: FieldNames<T, S>,
): Partial<T> {
  const fields: Record<string, unknown> = {};
  for (const [name, from] of Object.entries(names) as [string, keyof S][]) {
    if (source[from] !== undefined) fields[name] = source[from];
  }
  return fields as Partial<T>;
}
