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
