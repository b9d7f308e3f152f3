/** The error code each response was answered with, kept by the error filter (no secret in it). */
const answered = new WeakMap<object, string>();

/** Called by the error filter as it writes the `{ error, error_description }` envelope. */
export function recordAnsweredError(response: object, error: string): void {
  answered.set(response, error);
}

/** `invalid_grant`, `invalid_request`...: what the response was answered with, if an error. */
export function answeredError(response: object): string | undefined {
  return answered.get(response);
}

/** Responses the request deadline answered: what their handler does afterwards cannot be sent. */
const answeredByDeadlines = new WeakSet<object>();

/** Called by the request deadline (platform/http/request-deadline.ts) as it answers. */
export function recordAnsweredByDeadline(response: object): void {
  answeredByDeadlines.add(response);
}

/** True when the request deadline answered this response (its handler had not, in time). */
export function answeredByDeadline(response: object): boolean {
  return answeredByDeadlines.has(response);
}
