/**
 * docs/ADMINISTRATION.md's admin API as a reader runs it (bash, curl, jq, npm): "Who may call it"'s
 * block makes an admin client with `npm run admin` and trades its secret for a token, then "Calling
 * it"'s calls run in order against the service on a real port, each answered as the page says.
 * Two things differ from a reader's terminal, and only these:
 * - the block's `export PROOFGATE_URL=http://localhost:25000` is left out: the test's service
 *   listens on another port, given to the script as PROOFGATE_URL;
 * - `"<the ETag>"`, the page's placeholder, is the ETag the `curl -si` above it printed.
 * `npm run admin` finds its database as beside `npm start`: here through MONGODB_URI and
 * KEY_ENCRYPTION_SECRET, the test database's, and it runs the shared build of the service.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedBuild } from '../../support/build';
import { EXPORT_LOCAL_URL, bashBlockAfter, missingTools, runBash } from '../../support/doc-blocks';
import { type TestApp, startListeningApp } from '../../support/test-app';

const TOOLS = ['bash', 'curl', 'jq', 'npm'];
const missing = missingTools(TOOLS);

const PAGE = 'ADMINISTRATION.md';
const ETAG_PLACEHOLDER = `'If-Match: "<the ETag>"'`;

/** A block's commands, each with its continuation lines (a line ending in `\`) joined to it. */
function commandsOf(block: string): string[] {
  const commands: string[] = [];
  let continued = false;
  for (const line of block.split('\n').filter((text) => text.trim() !== '')) {
    if (continued) commands[commands.length - 1] += `\n${line}`;
    else commands.push(line);
    continued = line.endsWith('\\');
  }
  return commands;
}

/**
 * "Calling it"'s commands as one script: command i's output in `$OUT/i`, and the ETag a
 * `curl -si` printed standing in for the placeholder of the commands after it.
 */
function callingScript(commands: readonly string[]): string {
  const lines: string[] = [];
  commands.forEach((command, i) => {
    let run = command;
    if (run.includes(ETAG_PLACEHOLDER)) {
      lines.push(`ETAG=$(grep -i '^etag:' "$OUT/$TAGGED" | cut -d' ' -f2- | tr -d '\\r')`);
      run = run.replace(ETAG_PLACEHOLDER, '"If-Match: $ETAG"');
    }
    // The closing brace on a line of its own: a command may end in a comment.
    lines.push(`{ ${run}\n} > "$OUT/${i}"`);
    if (/^curl -si /.test(command)) lines.push(`TAGGED=${i}`);
  });
  return lines.join('\n');
}

/** An HTTP answer as `curl -si` prints it: the status line, the headers, the body. */
function parseHttp(raw: string): { status: number; headers: Map<string, string>; body: unknown } {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head.split('\r\n');
  const headers = new Map(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
    }),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(rest.join('')) };
}

describe('docs/ADMINISTRATION.md: the admin API with curl', () => {
  let t: TestApp;
  let issuer: string;
  let dist: string;

  beforeAll(async () => {
    const [app, built] = await Promise.all([startListeningApp(), sharedBuild()]);
    ({ t, issuer } = app);
    dist = built;
  });
  afterAll(() => t?.close());

  it('sets PROOFGATE_URL once, in the block that makes the admin client', () => {
    const block = bashBlockAfter(PAGE, '### Who may call it: admin clients');
    expect(block.match(new RegExp(EXPORT_LOCAL_URL.source, 'gm'))).toHaveLength(1);
    const calls = bashBlockAfter(PAGE, '### Calling it');
    expect(calls).not.toContain('localhost:25000');
    // The one placeholder this test fills in, after the `curl -si` that shows the tag.
    expect(calls.split(ETAG_PLACEHOLDER)).toHaveLength(2);
  });

  // Reported skipped where a tool the page names is not installed.
  (missing.length === 0 ? it : it.skip)(
    `runs as written: an admin client, its token, then each call answered (needs ${TOOLS.join(', ')})`,
    async () => {
      const out = mkdtempSync(join(tmpdir(), 'admin-api-doc-'));
      try {
        const calls = commandsOf(bashBlockAfter(PAGE, '### Calling it'));
        const script = [
          bashBlockAfter(PAGE, '### Who may call it: admin clients').replace(EXPORT_LOCAL_URL, ''),
          'echo "TOKEN ${#ADMIN_TOKEN}"',
          callingScript(calls),
        ].join('\n');
        const run = await runBash(script, {
          env: { PROOFGATE_URL: issuer, PROOFGATE_DIST_DIR: dist, OUT: out },
        });
        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
        // A JWT, not jq's `null` for a refused token request.
        expect(run.stdout).toMatch(/^TOKEN [1-9]\d{2,}$/m);

        const answer = (i: number) => readFileSync(join(out, String(i)), 'utf8');
        const json = (i: number) => JSON.parse(answer(i)) as Record<string, unknown>;
        const at = (pattern: RegExp) => {
          const i = calls.findIndex((command) => pattern.test(command));
          if (i < 0) throw new Error(`docs/ADMINISTRATION.md: no call ${pattern.source}`);
          return i;
        };

        expect(json(at(/users\?q=ali/))).toEqual({ items: [], next: null });
        expect(json(at(/-d '\{"username":"alice"/))).toMatchObject({
          username: 'alice',
          status: 'active',
        });
        const shown = parseHttp(answer(at(/^curl -si .*\/users\/alice"/)));
        expect(shown.status).toBe(200);
        expect(shown.headers.get('etag')).toMatch(/^"[^"]+"$/);
        expect(json(at(/-X PATCH/))).toMatchObject({ username: 'alice', status: 'disabled' });
        const client = json(at(/\/admin\/v1\/clients"$/));
        expect(client).toMatchObject({
          client_id: 'nightly-sync',
          grant_types: ['client_credentials'],
        });
        expect(client.client_secret).toEqual(expect.any(String));
        expect(json(at(/grants\?user=alice/))).toEqual({ items: [], next: null });
        // Nothing was refused: the page's calls all went through.
        expect(json(at(/audit\?outcome=refused/))).toEqual({ items: [], next: null });
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
