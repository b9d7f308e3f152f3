import type { RequestSpec } from '../loadgen/protocol';

/**
 * The largest registration the service accepts (POST /register, RFC 7591): 10 redirect URIs of
 * ~1,450 characters, ~15 KB a document, the size an attacker filling the registry would pick.
 */
export function registrationBody(i: number): string {
  const padding = 'a'.repeat(1400);
  return JSON.stringify({
    redirect_uris: Array.from(
      { length: 10 },
      (_, j) => `https://c${i}-${j}.bench.example/callback/${padding}`,
    ),
    token_endpoint_auth_method: 'none',
    client_name: `Bench client ${i}`,
  });
}

/** `count` registrations, numbered from `first`, for the load generator. */
export function registrationRequests(first: number, count: number): RequestSpec[] {
  return Array.from({ length: count }, (_, k) => ({
    method: 'POST',
    path: '/register',
    headers: { 'content-type': 'application/json' },
    body: registrationBody(first + k),
  }));
}
