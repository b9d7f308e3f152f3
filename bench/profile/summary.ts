/**
 * Reads a V8 CPU profile (.cpuprofile JSON) and says where the time went: self and inclusive time
 * per component (an npm package, a folder of the service, a Node core module, GC) and per
 * function, as a share of the profile and in µs per request.
 */
import type { CpuProfile, CpuProfileNode } from './inspector-session';

export interface Row {
  readonly name: string;
  /** Microseconds spent in this row's own code. */
  readonly selfUs: number;
  /** Microseconds in samples with this row anywhere on the stack (counted once per sample). */
  readonly totalUs: number;
}

export interface ProfileSummary {
  readonly sampledUs: number;
  /** Sampled time minus `(idle)`: the CPU the process used. */
  readonly busyUs: number;
  readonly components: readonly Row[];
  readonly functions: readonly Row[];
  /** Components grouped by what they are for (HTTP, Nest, database, ...), self time only. */
  readonly areas: readonly Row[];
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** The component a frame belongs to: package, service folder, Node core module or V8 itself. */
export function componentOf(node: Pick<CpuProfileNode, 'callFrame'>): string {
  const { url, functionName } = node.callFrame;
  if (SPECIAL.has(functionName)) return functionName;
  if (!url) return '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0];
  // dist-bench*/, or a build given with --dist (dist-express/, dist-fastify/...).
  const src = /\/dist-[\w-]+\/(.+)$/.exec(url) ?? /\/src\/(.+)$/.exec(url);
  if (src) {
    const parts = src[1].split('/');
    return `proofgate ${parts.length > 1 ? parts.slice(0, Math.min(2, parts.length - 1)).join('/') : parts[0]}`;
  }
  return url;
}

const AREAS: readonly [RegExp, string][] = [
  [/^(mongodb|bson|mongoose|@mongodb-js\/.*)$/, 'database driver (with its socket writes)'],
  [/^(@nestjs\/.*|rxjs|reflect-metadata|iterare|path-to-regexp)$/, 'Nest pipeline'],
  [
    /^(class-validator|class-transformer|validator|libphonenumber-js)$/,
    'validation (class-validator)',
  ],
  [
    /^(pino|pino-http|pino-std-serializers|nestjs-pino|sonic-boom|fast-redact|quick-format-unescaped|safe-stable-stringify|on-exit-leak-free|thread-stream|atomic-sleep)$/,
    'logging (pino)',
  ],
  [/^node:async_hooks$/, 'async context (AsyncLocalStorage)'],
  [
    /^(express|router|body-parser|raw-body|type-is|qs|content-type|media-typer|mime-types|mime-db|iconv-lite|on-finished|finalhandler|send|serve-static|parseurl|encodeurl|escape-html|statuses|http-errors|depd|debug|ms|fresh|etag|accepts|negotiator|vary|cookie|cookie-signature|cookie-parser|proxy-addr|forwarded|ipaddr\.js|range-parser|content-disposition|merge-descriptors|setprototypeof|bytes|unpipe|ee-first|destroy|helmet|node:_http_.*|node:http)$/,
    'HTTP (Node http, Express, body parsers, helmet)',
  ],
  [
    /^(fastify|@fastify\/.*|find-my-way|avvio|fast-querystring|fast-decode-uri-component|fast-json-stringify|@fastify\/fast-json-stringify-compiler|light-my-request|abstract-logging|toad-cache|rfdc|process-warning|fastq|reusify|ret|safe-regex2|fast-uri|json-schema-ref-resolver|secure-json-parse)$/,
    'HTTP (Fastify, its router and parsers)',
  ],
  [
    /^(jose|node:crypto|@noble\/.*|viem|ox|abitype|@signinwithethereum\/.*|secp256k1)$/,
    'crypto (jose, hashes, secp256k1)',
  ],
  [/^proofgate /, 'Proofgate src/'],
  [/^(eventemitter2|prom-client|tdigest|bintrees)$/, 'events and metrics'],
  [/^\(garbage collector\)$/, 'garbage collector'],
];

/** What a component is for, to say how much of a request each kind of work takes. */
export function areaOf(component: string): string {
  for (const [pattern, area] of AREAS) if (pattern.test(component)) return area;
  if (component.startsWith('node:')) return 'Node core (streams, net, timers, microtasks)';
  return `other (${component})`;
}

/** A frame's function, with its file (package- or src-relative) and line. */
export function functionKey(node: Pick<CpuProfileNode, 'callFrame'>): string {
  const { url, functionName, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return name;
  const short = url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist-[\w-]+\//, 'src/');
  return `${name} ${short}:${lineNumber + 1}`;
}

export function summarise(profile: CpuProfile): ProfileSummary {
  const byId = new Map<number, CpuProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const components = new Map<string, { self: number; total: number }>();
  const areas = new Map<string, { self: number; total: number }>();
  // Native code (a socket write, a hash) is booked to the package or service code that called it,
  // past the Node core frames in between (Socket.write, Hash.update).
  const ownerOf = (id: number): CpuProfileNode => {
    const leaf = byId.get(id)!;
    if (componentOf(leaf) !== '(native)') return leaf;
    for (let up = parent.get(id); up !== undefined; up = parent.get(up)) {
      const node = byId.get(up)!;
      if (node.callFrame.functionName === '(root)') break;
      const component = componentOf(node);
      if (component !== '(native)' && !component.startsWith('node:')) return node;
    }
    return leaf;
  };
  const functions = new Map<string, { self: number; total: number }>();
  const bump = (map: typeof components, key: string, field: 'self' | 'total', us: number) => {
    const row = map.get(key) ?? { self: 0, total: 0 };
    row[field] += us;
    map.set(key, row);
  };
  let sampledUs = 0;
  let idleUs = 0;
  // A sample's time is the delta to the next sample (the last one has none).
  for (let i = 0; i < profile.samples.length; i++) {
    const us = profile.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(profile.samples[i]);
    if (!leaf) continue;
    sampledUs += us;
    if (leaf.callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const owner = componentOf(ownerOf(leaf.id));
    bump(components, owner, 'self', us);
    bump(areas, areaOf(owner), 'self', us);
    bump(functions, functionKey(leaf), 'self', us);
    const seenComponents = new Set<string>();
    const seenFunctions = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const node = byId.get(id)!;
      if (node.callFrame.functionName === '(root)') break;
      seenComponents.add(componentOf(node));
      seenFunctions.add(functionKey(node));
    }
    for (const key of seenComponents) bump(components, key, 'total', us);
    for (const key of seenFunctions) bump(functions, key, 'total', us);
  }
  const rows = (map: typeof components): Row[] =>
    [...map].map(([name, { self, total }]) => ({ name, selfUs: self, totalUs: total }));
  return {
    sampledUs,
    busyUs: sampledUs - idleUs,
    components: rows(components),
    functions: rows(functions),
    areas: rows(areas),
  };
}

/** Rows of the same name added up: several processes' tables as one. */
export function addRows(tables: readonly (readonly Row[])[]): Row[] {
  const sums = new Map<string, { selfUs: number; totalUs: number }>();
  for (const row of tables.flat()) {
    const sum = sums.get(row.name) ?? { selfUs: 0, totalUs: 0 };
    sum.selfUs += row.selfUs;
    sum.totalUs += row.totalUs;
    sums.set(row.name, sum);
  }
  return [...sums].map(([name, sum]) => ({ name, ...sum }));
}

/** The profiles of several workers of one instance, taken over the same load, as one. */
export function mergeSummaries(summaries: readonly ProfileSummary[]): ProfileSummary {
  if (summaries.length === 1) return summaries[0];
  return {
    sampledUs: summaries.reduce((sum, s) => sum + s.sampledUs, 0),
    busyUs: summaries.reduce((sum, s) => sum + s.busyUs, 0),
    components: addRows(summaries.map((s) => s.components)),
    functions: addRows(summaries.map((s) => s.functions)),
    areas: addRows(summaries.map((s) => s.areas)),
  };
}

/**
 * A table-maker for `top` rows, largest first: each row's share of `whole` and its amount per
 * request (`perRequest` formats it).
 */
export function rankedTables(
  whole: number,
  top: number,
  perRequest: (amount: number) => string,
): (title: string, rows: readonly Row[], field: 'selfUs' | 'totalUs') => string {
  const pct = (amount: number) => `${((100 * amount) / whole).toFixed(1).padStart(5)} %`;
  return (title, rows, field) =>
    [
      title,
      ...[...rows]
        .sort((a, b) => b[field] - a[field])
        .slice(0, top)
        .map((row) => `  ${pct(row[field])} ${perRequest(row[field])}  ${row.name}`),
    ].join('\n');
}

/** Plain-text tables: the top rows by self time and by inclusive time. */
export function renderSummary(summary: ProfileSummary, requests: number, top = 25): string {
  const table = rankedTables(
    summary.busyUs,
    top,
    (us) => `${(us / requests).toFixed(0).padStart(6)} µs/req`,
  );
  return [
    `busy ${(summary.busyUs / 1000).toFixed(0)} ms of ${(summary.sampledUs / 1000).toFixed(0)} ms sampled ` +
      `(${requests} requests: ${(summary.busyUs / requests).toFixed(0)} µs of CPU per request)`,
    table('By area, self time (native code booked to its caller):', summary.areas, 'selfUs'),
    table(
      'By component, self time (native code booked to its caller):',
      summary.components,
      'selfUs',
    ),
    table('By component, inclusive time:', summary.components, 'totalUs'),
    table('By function, self time:', summary.functions, 'selfUs'),
    table('By function, inclusive time:', summary.functions, 'totalUs'),
  ].join('\n\n');
}
