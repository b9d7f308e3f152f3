/**
 * A refusal as every endpoint answers one: its status, and the one envelope
 * `{ "error", "error_description" }` with nothing else in it. A `401` carries a
 * `WWW-Authenticate` challenge too (RFC 9110 §15.5.2), whichever its scheme.
 */
export function expectRefusal(
  res: { status: number; body: unknown; headers?: Record<string, unknown> },
  status: number,
  error: string,
  description: string,
): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { error, error_description: description },
  });
  if (status === 401 && res.headers !== undefined) {
    expect(res.headers['www-authenticate']).toMatch(/^[A-Za-z][\w.-]* realm="proofgate"/);
  }
}
