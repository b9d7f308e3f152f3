/**
 * The filter part of a compare-and-set on a record's `revision` (a number `$inc`ed by each change
 * of the record): the revision the caller read, 0 meaning the field is absent (never changed, or
 * stored before revisions were kept, so no migration); nothing when the caller names none (the
 * admin CLI, whose changes land whatever they find and move the revision on).
 */
export function atRevision(expected: number | undefined): Record<string, unknown> {
  if (expected === undefined) return {};
  return { revision: expected === 0 ? { $exists: false } : { $eq: expected } };
}
