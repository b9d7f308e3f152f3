/** The command line itself is wrong (exit code 2): nothing was done. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Why the service refused: the request is wrong (`invalid`), names nothing that exists
 * (`not_found`), conflicts with what exists (`conflict`), or names a revision of the thing that
 * another change has replaced (`stale`: only a change that named one, as the admin API's If-Match
 * does). The CLI prints the message (exit code 1); the admin API answers 400, 404, 409 or 412.
 */
export type AdminRefusal = 'invalid' | 'not_found' | 'conflict' | 'stale';

/** An administrative request the service refuses (exit code 1); the message is safe to show. */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly refusal: AdminRefusal = 'invalid',
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/**
 * The thing changed under the request, again and again (another administrator's change won each
 * time): nothing was done, and the request may be made again (the admin API's `409`).
 */
export class AdminConflict extends AdminError {
  constructor(message: string) {
    super(message);
    this.name = 'AdminConflict';
  }
}

/**
 * What a compare-and-set that found the thing at another revision refuses with (`412`); `now`:
 * what it is now, when that helps the caller see why.
 */
export function staleRevision(what: string, now?: string): AdminError {
  const state = now === undefined ? '' : `it is ${now} now; `;
  return new AdminError(
    `${what} changed since you read it (If-Match names another version): ${state}GET it again`,
    'stale',
  );
}
