/**
 * docs/EMAIL-LOGIN.md's "The API" as a reader runs it (bash, curl, grep, jq), pasted whole into a
 * terminal beside `npm start`: the login page's cookies and CSRF token, the code asked for, the
 * code read from the dev mailbox once the outbox has sent it, the sign-in. The service runs with
 * its development settings (the dev mailbox, the mail poller's own interval) on a real port; the
 * only change to the block is its `export PROOFGATE_URL=http://localhost:25000` line, left out
 * for the test's port. Pasted whole, the block once read the mailbox before the mail was in it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_LOCAL_URL, bashBlockAfter, missingTools, runBash } from '../../support/doc-blocks';
import { useListeningApp } from '../../support/use-test-app';

const TOOLS = ['bash', 'curl', 'grep', 'jq'];
const missing = missingTools(TOOLS);

const block = () => bashBlockAfter('EMAIL-LOGIN.md', '## The API');

describe('docs/EMAIL-LOGIN.md: email sign-in with curl', () => {
  const t = useListeningApp({}, 'localhost');

  it('sets PROOFGATE_URL once, at the top of the block, to where `npm start` listens', () => {
    expect(block().match(new RegExp(EXPORT_LOCAL_URL.source, 'gm'))).toHaveLength(1);
    expect(block().startsWith('export PROOFGATE_URL=')).toBe(true);
  });

  // Reported skipped where a tool the page names is not installed.
  (missing.length === 0 ? it : it.skip)(
    `runs as written, from the login page to a session (needs ${TOOLS.join(', ')})`,
    async () => {
      // The block writes its cookie jar and the login page where it runs.
      const dir = mkdtempSync(join(tmpdir(), 'email-login-doc-'));
      try {
        // Twice, as a reader who runs it again: the second run reads the new mail, not the first.
        for (const attempt of ['first', 'again']) {
          const run = await runBash(block().replace(EXPORT_LOCAL_URL, ''), {
            cwd: dir,
            env: { PROOFGATE_URL: t.issuer },
          });
          expect({ attempt, code: run.code, stderr: run.stderr }).toEqual({
            attempt,
            code: 0,
            stderr: '',
          });
          // The two answers the page shows in its comments, in order (curl adds no newline).
          expect(run.stdout).toBe('{"sent":true}{"redirect":"/"}');
        }
        // "and the pg_session cookie": the jar holds the signed-in session.
        expect(readFileSync(join(dir, 'jar'), 'utf8')).toMatch(/\tpg_session\t\S+/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
