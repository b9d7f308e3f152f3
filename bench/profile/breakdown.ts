/**
 * `npm run bench:breakdown -- FILE.cpuprofile... [--requests N] [--functions N]`: where a request's CPU goes, by
 * what the work is for (parsing, validation, client authentication, the database, signing,
 * serialising, logging, the framework, ...) rather than by package. Each sample goes to the
 * innermost frame on its stack that a rule below names, so a signature inside the grant's handler
 * is signing and a socket write under the database driver is the database; a sample no rule names
 * goes to what its leaf is (Node's own I/O, the collector). Several files (the workers of one
 * instance, from `npm run bench:profile -- --workers N`) are added up; with --requests the
 * figures are also in µs per request; with --functions, each category's heaviest leaf functions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readCommandLine, readOptions } from '../lib/command-line';
import type { CpuProfile, CpuProfileNode } from './inspector-session';

/** The categories, each a test of one stack frame's file (package- or src-relative) and name. */
const RULES: readonly [string, (file: string, name: string) => boolean][] = [
  [
    'logging',
    (f) =>
      /^(pino|pino-http|sonic-boom|nestjs-pino|fast-redact)\//.test(f) ||
      /^src\/platform\/logging\//.test(f),
  ],
  [
    "signing (JWS, the token's claims)",
    (f) =>
      /^src\/tokens\/(compact-jws|access-token\.service|signing-keys\/)/.test(f) ||
      /^jose\//.test(f),
  ],
  [
    'client authentication',
    (f) =>
      /^src\/clients\/(client-authenticator|client-secrets|client-registry)/.test(f) ||
      /^src\/platform\/http\/basic-credentials/.test(f) ||
      /^src\/oauth\/client-authentication/.test(f),
  ],
  [
    'validation (DTO, class-validator)',
    (f) =>
      /^(class-validator|class-transformer|validator)\//.test(f) ||
      /^src\/platform\/validation\//.test(f),
  ],
  [
    "database (driver, BSON, the store's code)",
    (f) =>
      /^(mongodb|bson|mongoose|mquery|kareem|@mongodb-js\/[^/]+)\//.test(f) ||
      /\/persistence\//.test(f) ||
      /^src\/platform\/database\//.test(f),
  ],
  [
    'rate limits',
    (f) => /^src\/platform\/rate-limit\//.test(f) || /^src\/oauth\/client-budget/.test(f),
  ],
  [
    'events, metrics, tracing',
    (f) =>
      /^(eventemitter2|prom-client|tdigest|bintrees|@nestjs\/event-emitter)\//.test(f) ||
      /^src\/(platform\/events|platform\/tracing|telemetry|compare)\//.test(f),
  ],
  [
    'parsing (body, query, headers)',
    (f) =>
      /^src\/platform\/http\/(body-parsers|body-depth|raw-body|form-fields)/.test(f) ||
      /^(fast-querystring|secure-json-parse|content-type)\//.test(f) ||
      f === 'node:querystring',
  ],
  [
    'serialising (JSON, headers, ETag)',
    (f, n) =>
      /^src\/platform\/http\/(etag|security-headers)/.test(f) ||
      (/^fastify\/lib\/reply/.test(f) && /serialize|header/i.test(n)) ||
      /^fast-json-stringify\//.test(f),
  ],
  [
    'grant and token handlers (src/oauth, src/tokens)',
    (f) => /^src\/(oauth|tokens|challenges)\//.test(f),
  ],
  ['Proofgate, other src/', (f) => /^src\//.test(f)],
  [
    'framework (Fastify, Nest, router, hooks)',
    (f) =>
      /^(fastify|@fastify\/[^/]+|find-my-way|avvio|@nestjs\/[^/]+|rxjs|light-my-request)\//.test(f),
  ],
  ['Node HTTP (parser, outgoing message)', (f) => /^node:_http_/.test(f) || f === 'node:http'],
];

function fileOf(node: CpuProfileNode): string {
  const { url } = node.callFrame;
  if (!url) return '';
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/dist-[\w-]+\//, 'src/');
}

function leafCategory(node: CpuProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8 and native, unattributed ((program))';
  if (url.startsWith('node:')) return 'Node core (net, streams, timers, microtasks)';
  return 'native, under no rule';
}

/** Each category's time, and within it each leaf function's (`name file:line`). */
export interface Breakdown {
  readonly categories: Map<string, number>;
  readonly functions: Map<string, Map<string, number>>;
}

export function breakdown(profile: CpuProfile): Breakdown {
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  // The innermost frame a rule names, from a node up to the root (memoised per node).
  const named = new Map<number, string | null>();
  const namedFrom = (id: number): string | undefined => {
    if (named.has(id)) return named.get(id) ?? undefined;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(root)') return undefined;
    const file = fileOf(node);
    const here = RULES.find(([, test]) => test(file, node.callFrame.functionName))?.[0];
    const up = parent.get(id);
    const found = here ?? (up === undefined ? undefined : namedFrom(up));
    named.set(id, found ?? null);
    return found;
  };
  const categories = new Map<string, number>();
  const functions = new Map<string, Map<string, number>>();
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(profile.samples[i]);
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue;
    const name = namedFrom(leaf.id) ?? leafCategory(leaf);
    categories.set(name, (categories.get(name) ?? 0) + us);
    const inCategory = functions.get(name) ?? new Map<string, number>();
    const fn = `${leaf.callFrame.functionName || '(anonymous)'} ${fileOf(leaf)}:${leaf.callFrame.lineNumber + 1}`;
    inCategory.set(fn, (inCategory.get(fn) ?? 0) + us);
    functions.set(name, inCategory);
  }
  return { categories, functions };
}

const USAGE = `npm run bench:breakdown -- FILE.cpuprofile... [options]
Where a request's CPU goes by what the work is for, from profiles of npm run bench:profile.

  FILE.cpuprofile   one or more profiles (the workers of one instance are added up)
  --requests N      the requests the profiles cover: figures also in µs per request (default: none)
  --functions N     each category's heaviest leaf functions listed (default 0)
  --help            this text`;

function parse(argv: readonly string[]): { files: string[]; requests?: number; top: number } {
  const files: string[] = [];
  let requests: number | undefined;
  let top = 0;
  readOptions(
    argv,
    {
      '--requests': (value) => (requests = value.integer(1, 100_000_000)),
      '--functions': (value) => (top = value.integer(0, 10_000)),
    },
    (file) => {
      if (!existsSync(file)) throw new Error(`no file ${file}`);
      files.push(file);
    },
  );
  if (files.length === 0) throw new Error('give one or more .cpuprofile files');
  return { files, requests, top };
}

function main(): void {
  const { files, requests, top } = readCommandLine(USAGE, parse);
  const totals = new Map<string, number>();
  const functions = new Map<string, Map<string, number>>();
  for (const file of files) {
    const one = breakdown(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    for (const [name, us] of one.categories) totals.set(name, (totals.get(name) ?? 0) + us);
    for (const [name, fns] of one.functions) {
      const sum = functions.get(name) ?? new Map<string, number>();
      for (const [fn, us] of fns) sum.set(fn, (sum.get(fn) ?? 0) + us);
      functions.set(name, sum);
    }
  }
  const busy = [...totals.values()].reduce((sum, us) => sum + us, 0);
  const rows = [...totals].sort((a, b) => b[1] - a[1]);
  for (const [name, us] of rows) {
    const share = `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
    const per = requests ? `${(us / requests).toFixed(0).padStart(6)} µs/req  ` : '';
    process.stdout.write(`${share} ${per}${name}\n`);
    const heaviest = [...(functions.get(name) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, top);
    for (const [fn, fnUs] of heaviest) {
      const fnPer = requests ? `${(fnUs / requests).toFixed(1).padStart(6)} µs/req  ` : '';
      process.stdout.write(`          ${fnPer}${fn}\n`);
    }
  }
  const per = requests ? `, ${(busy / requests).toFixed(0)} µs/req` : '';
  process.stdout.write(`busy ${(busy / 1000).toFixed(0)} ms${per}\n`);
}

if (require.main === module) main();
