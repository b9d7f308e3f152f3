/**
 * docs/CONFORMANCE.md holds to the tests: every module row names e2e spec files that exist and
 * answer it (a test named after the module, or the test whose title the row quotes), every e2e
 * test named after a certification module has its row, and the login page keeps the element ids
 * a certification run's scripted browser fills in.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROOFS } from '../../src/proof-registry';
import { loginPageButtons, renderLoginPage } from '../../src/login/login.page';
import { ROOT } from '../support/readme';

const DOC = readFileSync(join(ROOT, 'docs/CONFORMANCE.md'), 'utf8');

interface Row {
  readonly module: string;
  readonly files: string[];
  readonly quoted?: string;
  readonly note?: string;
}

/**
 * The module rows of the doc: table rows `| \`module\` | cell |`, or list items `- \`module\`: cell`
 * (a table too wide for the docs' width is written as a list, its items continued two spaces in).
 */
function rows(): Row[] {
  const joined = DOC.replace(/\n {2}(?=\S)/g, ' ');
  const entries = [
    ...joined.matchAll(/^\| `([A-Za-z0-9_-]+)` \| (.*) \|$/gm),
    ...joined.matchAll(/^- `([A-Za-z0-9_-]+)`: (.*)$/gm),
  ];
  return entries.map(([, module, cell]) => {
    const files = [...cell.matchAll(/\]\(\.\.\/(test\/e2e\/[^)]+\.e2e-spec\.ts)\)/g)].map(
      (match) => match[1],
    );
    const quoted = /“([^”]+)”/.exec(cell)?.[1];
    const note = /^— \((.+)\)$/.exec(cell)?.[1];
    return { module, files, ...(quoted ? { quoted } : {}), ...(note ? { note } : {}) };
  });
}

const named = (module: string) => new RegExp(`${module}(?![A-Za-z0-9_-])`);
const text = (file: string) => readFileSync(join(ROOT, file), 'utf8');

function e2eSpecs(dir = 'test/e2e'): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? e2eSpecs(`${dir}/${entry.name}`)
      : entry.name.endsWith('.e2e-spec.ts')
        ? [`${dir}/${entry.name}`]
        : [],
  );
}

describe('docs/CONFORMANCE.md', () => {
  it('lists the modules of the six plans, each once', () => {
    const modules = rows().map((row) => row.module);
    expect(modules.length).toBeGreaterThan(100);
    expect(new Set(modules).size).toBe(modules.length);
    for (const plan of [
      'oidcc-config-certification-test-plan',
      'oidcc-basic-certification-test-plan',
      'oidcc-rp-initiated-logout-certification-test-plan',
      'oidcc-backchannel-rp-initiated-logout-certification-test-plan',
      'fapi2-security-profile-final-test-plan',
      'oid4vp-1final-verifier-test-plan',
    ]) {
      expect(DOC).toContain(`### \`${plan}\``);
    }
  });

  it('names, for every module, tests that answer it, or says why none does', () => {
    const unanswered: string[] = [];
    for (const row of rows()) {
      if (row.files.length === 0) {
        if (!row.note) unanswered.push(`${row.module}: neither a test nor a reason`);
        continue;
      }
      for (const file of row.files) {
        const spec = text(file);
        const answers = row.quoted ? spec.includes(row.quoted) : named(row.module).test(spec);
        if (!answers) unanswered.push(`${row.module}: ${file} does not answer it`);
      }
    }
    expect(unanswered).toEqual([]);
  });

  it('has a row for every e2e test named after a certification module', () => {
    const listed = new Set(rows().map((row) => row.module));
    const missing = new Set<string>();
    for (const file of e2eSpecs()) {
      for (const [, module] of text(file).matchAll(
        /\bit(?:\.each[^(]*\))?\(\s*['`]((?:oidcc|fapi2-security-profile-final|oid4vp-1final-verifier)-[A-Za-z0-9_-]+)/g,
      )) {
        if (!listed.has(module)) missing.add(`${module} (${file})`);
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('the login page has the ids it documents for a scripted browser', () => {
    const html = renderLoginPage(
      { csrfToken: 't', returnTo: '/' },
      loginPageButtons(Object.values(PROOFS)),
    );
    for (const id of ['form#login-form', '#username', '#password']) expect(DOC).toContain(id);
    expect(html).toMatch(/<form method="post" action="\/login" id="login-form"/);
    expect(html).toContain('<input id="username" name="username"');
    expect(html).toContain('<input id="password" name="password"');
    const form = /<form[^>]*id="login-form"[^]*?<\/form>/.exec(html)![0];
    expect(form.match(/<button type="submit"/g)).toHaveLength(1);
  });
});
