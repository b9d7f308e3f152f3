import type { HttpResponse } from '../http/http-exchange';

/**
 * A health endpoint's 503: retry in 5 s, and the error envelope's two fields before the report, so
 * that a client reading only the envelope learns why.
 */
export function unavailable<Report extends object>(
  response: HttpResponse,
  description: string,
  report: Report,
): { error: 'temporarily_unavailable'; error_description: string } & Report {
  response.code(503).header('Retry-After', '5');
  return { error: 'temporarily_unavailable', error_description: description, ...report };
}
