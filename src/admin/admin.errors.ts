/** The command line itself is wrong (exit code 2): nothing was done. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An administrative request the service refuses (exit code 1); the message is safe to show. */
export class AdminError extends Error {
  constructor(message: string) {
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
