/**
 * A refusal as every endpoint answers one: its status, and the one envelope
 * `{ "error", "error_description" }` with nothing else in it.
 */
export function expectRefusal(
  res: { status: number; body: unknown },
  status: number,
  error: string,
  description: string,
): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { error, error_description: description },
  });
}
