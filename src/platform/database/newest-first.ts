/** Where a list ordered newest first by time, then by id, stands: an instant and the id there. */
export interface NewestFirstPosition {
  readonly at: Date;
  readonly id: string;
}

/**
 * The filter of a keyset page sorted `{ at: -1, _id: -1 }` that resumes after `after`: the
 * documents before it in that order, the id breaking ties of one instant (absent: from the first).
 */
export function olderThan(after: NewestFirstPosition | undefined) {
  return after === undefined
    ? {}
    : { $or: [{ at: { $lt: after.at } }, { at: after.at, _id: { $lt: after.id } }] };
}
