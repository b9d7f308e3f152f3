/**
 * docs/SECURITY.md's CORS table is the policy the code runs (issue #31: the docs and the pages
 * once listed other CORS endpoints than the code allowed, /par among them): the same paths, in
 * the same order, with the same methods, origins and request headers, and the max age it states.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CROSS_ORIGIN_ENDPOINTS } from '../../src/clients/cross-origin.policy';
import { PREFLIGHT_MAX_AGE_SECONDS } from '../../src/platform/http/cors';
import { ROOT } from '../support/readme';

const SECURITY = readFileSync(join(ROOT, 'docs', 'SECURITY.md'), 'utf8');

/** The rows between `<!-- cors-policy -->` and `<!-- /cors-policy -->`, cells unquoted. */
function documentedPolicy(text: string): string[][] {
  const table = /<!-- cors-policy -->\n([\s\S]*?)<!-- \/cors-policy -->/.exec(text)?.[1];
  if (table === undefined) throw new Error('docs/SECURITY.md has no <!-- cors-policy --> table');
  return table
    .trim()
    .split('\n')
    .slice(2)
    .map((row) =>
      row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim().replace(/^`|`$/g, '')),
    );
}

describe('docs/SECURITY.md: the CORS policy', () => {
  it('lists exactly the endpoints, methods, origins and headers of CROSS_ORIGIN_ENDPOINTS', () => {
    expect(documentedPolicy(SECURITY)).toEqual(
      CROSS_ORIGIN_ENDPOINTS.map((endpoint) => [
        endpoint.path,
        endpoint.methods.join(', '),
        endpoint.callers,
        endpoint.headers.join(', '),
      ]),
    );
  });

  it('states the preflight max age the code sends', () => {
    expect(SECURITY).toContain(`\`Access-Control-Max-Age: ${PREFLIGHT_MAX_AGE_SECONDS}\``);
  });

  it('finds a difference where there is one (the check itself works)', () => {
    const withoutPar = SECURITY.replace(/^\| `\/par` .*\n/m, '');
    expect(documentedPolicy(withoutPar)).not.toEqual(documentedPolicy(SECURITY));
    expect(documentedPolicy(withoutPar)).toHaveLength(CROSS_ORIGIN_ENDPOINTS.length - 1);
  });
});
