/**
 * docs/OAUTH.md's "The OAuth flow with curl", run as written (bash, curl, openssl, jq) against
 * the service on a real port, named by PROOFGATE_URL as the page has the reader set it once: the
 * browserless login step (cookie jar, the form's CSRF token) gets a code, the code tokens, the
 * token /api/me, the refresh token a new access token.
 */
import { bashBlockAfter, missingTools, runBash } from '../../support/doc-blocks';
import { doc } from '../../support/docs';
import { type TestApp, startListeningApp } from '../../support/test-app';

const TOOLS = ['bash', 'curl', 'openssl', 'jq'];
const missing = missingTools(TOOLS);

/** The first ```bash block under the section's heading. */
const curlFlow = () => bashBlockAfter('OAUTH.md', '## The OAuth flow with curl');

describe('docs/OAUTH.md: the OAuth flow with curl', () => {
  let t: TestApp;
  let issuer: string;

  beforeAll(async () => {
    ({ t, issuer } = await startListeningApp({}, 'localhost'));
  });
  afterAll(() => t?.close());

  it('sets PROOFGATE_URL once, above the flow, to where `npm start` listens by default', () => {
    const text = doc('OAUTH.md');
    const set = text.indexOf('\nexport PROOFGATE_URL=http://localhost:25000 ');
    expect(set).toBeGreaterThan(0);
    expect(set).toBeLessThan(text.indexOf('## The OAuth flow with curl'));
    expect(curlFlow()).not.toContain('localhost:25000');
  });

  // Reported skipped where a tool the page names is not installed (it says how to install jq).
  (missing.length === 0 ? it : it.skip)(
    `runs as written, the login step included, to /api/me and a refresh (needs ${TOOLS.join(', ')})`,
    async () => {
      const script = [
        curlFlow(),
        // What the reader checks by eye: the token's subject, and that the refresh rotated.
        `echo "ME $(curl -s ${issuer}/api/me -H "Authorization: Bearer $ACCESS_TOKEN" | jq -c '{sub, auth_method}')"`,
        'echo "REFRESHED ${#REFRESH_TOKEN}"',
      ].join('\n');
      const run = await runBash(script, { env: { PROOFGATE_URL: issuer } });

      expect({ status: run.code, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      expect(run.stdout).toContain('ME {"sub":"user0","auth_method":"password"}');
      expect(run.stdout).toMatch(/^REFRESHED [1-9]\d*$/m);
    },
    90_000,
  );
});
