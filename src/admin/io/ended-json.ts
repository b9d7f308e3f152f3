/** What an ending ended: the login sessions (each told to its clients) and the grants revoked. */
export interface Ended {
  readonly sessionsEnded: number;
  readonly grantsRevoked: number;
}

/** An ending's counts, as the CLI's `--json` and the admin API name them. */
export function endedJson(ended: Ended) {
  return { sessions_ended: ended.sessionsEnded, grants_revoked: ended.grantsRevoked };
}
