/** The command line itself is wrong (exit code 2): nothing was done. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Why the service refused: the request is wrong (`invalid`), names nothing that exists
 * (`not_found`), or conflicts with what exists (`conflict`). The CLI prints the message (exit code
 * 1); the admin API answers 400, 404 or 409 with it.
 */
export type AdminRefusal = 'invalid' | 'not_found' | 'conflict';

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
