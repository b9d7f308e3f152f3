/**
 * Bounded anonymous state (issue #19): every collection the service writes has a row in the
 * bounded-state table of docs/SECURITY.md, and every collection an unauthenticated caller can grow is
 * bounded by an expiry that a TTL index enforces, or by a `*_MAX` cap setting. The collections
 * are read from the code itself: every mongoose schema a source file under src/ exports (in a
 * `*.schema.ts` or inline beside its service), every `@Schema({ collection })` written anywhere,
 * and every collection named to the driver (`.collection(NAME)`, a raw `update`/`insert`/`delete`
 * command), so a new collection without a row, or an anonymous one without a bound, fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Schema } from 'mongoose';
import { configurationVariables } from '../support/docs';
import { ROOT } from '../support/readme';

interface Collection {
  readonly name: string;
  readonly file: string;
  readonly ttlIndexed: boolean;
}

function sourceFiles(): string[] {
  return readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts'))
    .map((name) => join('src', name));
}

/** Files that build a mongoose schema, in a `*.schema.ts` or inline. */
function schemaFiles(files: readonly string[]): string[] {
  return files.filter((file) =>
    /SchemaFactory\.createForClass\(|new (?:mongoose\.)?Schema\(/.test(
      readFileSync(join(ROOT, file), 'utf8'),
    ),
  );
}

/** `export const X_COLLECTION = 'name'` and the like, from every source file. */
function collectionConstants(sources: readonly string[]): Map<string, string> {
  const constants = new Map<string, string>();
  for (const source of sources) {
    for (const [, name, value] of source.matchAll(
      /\bconst ([A-Z][A-Z0-9_]*) = '([a-z][a-z0-9_]*)'/g,
    )) {
      constants.set(name, value);
    }
  }
  return constants;
}

/**
 * The collections a source names to mongoose or the driver, read from its text: a schema's
 * `@Schema({ collection })` (exported or not), `.collection(NAME)` / `.collection<T>('name')`,
 * `createCollection`, and raw `insert` / `update` / `delete` / `findAndModify` commands. A name is
 * a literal or a constant of `constants`.
 */
export function namedCollections(
  source: string,
  constants: ReadonlyMap<string, string> = new Map(),
): string[] {
  const NAME = `(?:'([a-z][a-z0-9_]*)'|([A-Z][A-Z0-9_]*))`;
  const patterns = [
    new RegExp(`@Schema\\(\\{[^}]*?\\bcollection:\\s*${NAME}`, 'g'),
    new RegExp(`\\.(?:collection|createCollection)(?:<[^>()]*>)?\\(\\s*${NAME}\\s*[,)]`, 'g'),
    new RegExp(`\\b(?:insert|update|delete|findAndModify):\\s*${NAME}\\s*,`, 'g'),
  ];
  const names = new Set<string>();
  for (const pattern of patterns) {
    for (const [, literal, constant] of source.matchAll(pattern)) {
      const name = literal ?? constants.get(constant);
      if (name) names.add(name);
    }
  }
  return [...names];
}

/** The collections the schemas of `file` are stored in, from the mongoose schemas it exports. */
function collectionsOf(file: string): Collection[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(join(ROOT, file)) as Record<string, unknown>;
  return Object.values(exported)
    .filter((value): value is Schema => value instanceof Schema)
    .flatMap((schema) => {
      const name = schema.get('collection');
      if (typeof name !== 'string') return [];
      const ttlIndexed = schema
        .indexes()
        .some(([, options]) => typeof options?.expireAfterSeconds === 'number');
      return [{ name, file, ttlIndexed }];
    });
}

interface Row {
  readonly collection: string;
  readonly writers: string;
  readonly bound: string;
  readonly atBound: string;
}

/** What each item of the list under `## Bounded state` says, by its label. */
const LABELS: Record<string, keyof Omit<Row, 'collection'>> = {
  'Who can write it': 'writers',
  Bound: 'bound',
  'At the bound': 'atBound',
};

/**
 * The entries of the list under `## Bounded state`: an item per collection (`` - `name` ``), and
 * under it an item per label (`  - Who can write it: ...`, continued on indented lines).
 */
function boundedStateRows(markdown: string): Row[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf('## Bounded state');
  if (start < 0) throw new Error('docs/SECURITY.md has no "## Bounded state" heading');
  const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
  const rows: Array<{ -readonly [K in keyof Row]: Row[K] }> = [];
  let field: keyof Omit<Row, 'collection'> | undefined;
  for (const line of lines.slice(start + 1, end < 0 ? undefined : end)) {
    const entry = /^- `([a-z_]+)`$/.exec(line);
    const item = /^ {2}- ([^:]+): (.*)$/.exec(line);
    if (entry) {
      rows.push({ collection: entry[1], writers: '', bound: '', atBound: '' });
      field = undefined;
    } else if (item && rows.length > 0) {
      field = LABELS[item[1]];
      if (field === undefined) throw new Error(`bounded-state item of no known label: ${line}`);
      rows[rows.length - 1][field] = item[2];
    } else if (/^ {4}\S/.test(line) && field !== undefined) {
      rows[rows.length - 1][field] += ` ${line.trim()}`;
    } else if (line.startsWith('- ')) {
      throw new Error(`bounded-state entry without a collection name: ${line}`);
    } else field = undefined;
  }
  // An item's text ends in a full stop; the cell it stands for did not.
  return rows.map((row) => ({
    collection: row.collection,
    writers: row.writers.replace(/\.$/, ''),
    bound: row.bound.replace(/\.$/, ''),
    atBound: row.atBound.replace(/\.$/, ''),
  }));
}

describe('bounded state', () => {
  const files = sourceFiles();
  const sources = files.map((file) => readFileSync(join(ROOT, file), 'utf8'));
  const constants = collectionConstants(sources);
  const schemas = schemaFiles(files).flatMap(collectionsOf);
  const namedInCode = files.flatMap((file, i) =>
    namedCollections(sources[i], constants).map((name) => ({ name, file })),
  );
  // A collection named but without an exported schema has no TTL index the reader can see.
  const collections: Collection[] = [
    ...schemas,
    ...namedInCode
      .filter(({ name }) => !schemas.some((c) => c.name === name))
      .map(({ name, file }) => ({ name, file, ttlIndexed: false })),
  ];
  const rows = boundedStateRows(readFileSync(join(ROOT, 'docs', 'SECURITY.md'), 'utf8'));
  const settings = new Set(configurationVariables());

  it('finds the schemas (the reader itself works)', () => {
    expect(collections.map((c) => c.name)).toEqual(
      expect.arrayContaining(['challenges', 'rate_limit_counters', 'oauth_clients', 'grants']),
    );
    expect(collections.find((c) => c.name === 'challenges')?.ttlIndexed).toBe(true);
    expect(collections.find((c) => c.name === 'users')?.ttlIndexed).toBe(false);
  });

  it('finds schemas defined inline beside their service, and collections named to the driver', () => {
    expect(schemas.find((c) => c.name === 'security_events')).toMatchObject({
      file: join('src', 'telemetry', 'security-events', 'security-event.log.ts'),
      ttlIndexed: true,
    });
    expect(namedInCode.map((c) => c.name)).toEqual(
      expect.arrayContaining(['security_events', 'login_failures', 'rate_limit_counters']),
    );
    const inline = [
      "@Schema({ versionKey: false, collection: 'audit_trail' }) class A {}",
      'const AUDIT_COLLECTION = ...;',
      "await db.collection<Row>('raw_rows').insertOne(row);",
      'await db.command({ update: OUTBOX_COLLECTION, updates });',
    ].join('\n');
    expect(namedCollections(inline, new Map([['OUTBOX_COLLECTION', 'outbox']])).sort()).toEqual([
      'audit_trail',
      'outbox',
      'raw_rows',
    ]);
  });

  it('has exactly one row for every collection a schema declares, and no other', () => {
    const named = rows.map((row) => row.collection);
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual([...new Set(collections.map((c) => c.name))].sort());
  });

  it('bounds every collection anyone can write: a TTL-indexed expiry or a *_MAX cap setting', () => {
    const unbounded = rows
      .filter((row) => /^anyone\b/i.test(row.writers))
      .filter((row) => {
        const schemas = collections.filter((c) => c.name === row.collection);
        const ttl = /\bexpiry\b/.test(row.bound) && schemas.every((c) => c.ttlIndexed);
        const caps = [...row.bound.matchAll(/`([A-Z][A-Z0-9_]*_MAX)`/g)].map((m) => m[1]);
        const capped = caps.length > 0 && caps.every((cap) => settings.has(cap));
        return !ttl && !capped;
      })
      .map((row) => row.collection);
    expect(unbounded).toEqual([]);
  });

  it('says for every anonymous-writable collection what happens at its bound', () => {
    const silent = rows
      .filter((row) => /^anyone\b/i.test(row.writers))
      .filter((row) => row.atBound === '' || row.atBound === '—')
      .map((row) => row.collection);
    expect(silent).toEqual([]);
  });
});
