/**
 * The configuration reference cannot drift from the code (issue #48, "a generated configuration
 * reference from the typed config sections"):
 * - docs/CONFIGURATION.md is what `npm run docs:config` writes from the settings declared in
 *   src/config, never edited apart;
 * - each file of src/config declares exactly the variables it reads;
 * - a declared literal default is the value the reader falls back to, and a declared range, list
 *   of choices or boolean is what the reader enforces, read off its refusal.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig } from '../../src/config/app-config';
import { ConfigError, type Env } from '../../src/config/env-parsers';
import type { Setting, SettingsSection } from '../../src/config/setting';
import { SETTINGS_SECTIONS } from '../../src/config/settings';
import { CONFIGURATION_DOC, renderConfigurationReference } from '../../tools/docs/configuration';
import { ROOT } from '../support/readme';

const CONFIG = join(ROOT, 'src', 'config');

/** The files of src/config that read environment variables (spec files aside). */
function configFiles(): string[] {
  return readdirSync(CONFIG, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .sort();
}

/** Names passed to the config readers, as test/tooling/env-example.spec.ts reads them. */
function namesReadBy(source: string): string[] {
  return [...source.matchAll(/(?:\(\s*e(?:nv)?\s*,\s*|\benv\.\w+\(\s*)'([A-Z][A-Z0-9_]*)'/g)].map(
    (m) => m[1],
  );
}

function isSection(value: unknown): value is SettingsSection {
  return (
    typeof value === 'object' &&
    value !== null &&
    'title' in value &&
    Array.isArray((value as { settings?: unknown }).settings)
  );
}

/** The sections a module of src/config exports. */
function sectionsDeclaredIn(file: string): SettingsSection[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exports = require(join(CONFIG, file)) as Record<string, unknown>;
  return Object.values(exports).filter(isSection);
}

const settings: Setting[] = SETTINGS_SECTIONS.flatMap((section) => [...section.settings]);

/** What every probe starts from: enough for the service to read a whole configuration. */
const BASE: Env = {
  MONGODB_URI: 'mongodb://127.0.0.1:27017/proofgate',
  // Tracing on, so that its settings are read into the configuration too.
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
};

/** The problems the configuration has with `name` set to `value`, or [] when it reads. */
function problemsWith(name: string, value: string): readonly string[] {
  try {
    AppConfig.fromEnv({ ...BASE, [name]: value });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('docs/CONFIGURATION.md', () => {
  it('is what `npm run docs:config` writes from the settings declared in src/config', () => {
    // On a difference: run `npm run docs:config`, and commit both.
    expect(readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(renderConfigurationReference());
  });

  it('names each setting once', () => {
    const names = settings.map((setting) => setting.name);
    expect(names.length).toBeGreaterThan(90);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('each file of src/config declares exactly the variables it reads', () => {
  const files = configFiles();
  const declared = files.flatMap((file) =>
    sectionsDeclaredIn(file).map((section) => ({ file, section })),
  );

  it('finds the readers and their declarations', () => {
    expect(files).toEqual(
      expect.arrayContaining(['sections/server.config.ts', 'tracing-config.ts']),
    );
    expect(declared.length).toBe(SETTINGS_SECTIONS.length);
  });

  it.each(files)('%s reads every setting it declares', (file) => {
    const read = new Set(namesReadBy(readFileSync(join(CONFIG, file), 'utf8')));
    const unread = declared
      .filter((d) => d.file === file)
      .flatMap((d) => d.section.settings.map((setting) => setting.name))
      .filter((name) => !read.has(name));
    expect(unread).toEqual([]);
  });

  it('declares every variable that any of them reads', () => {
    // load-config.ts reads two of the server's settings again, for the admin CLI's own rule.
    const declaredNames = new Set(settings.map((setting) => setting.name));
    const undeclared = files.flatMap((file) =>
      namesReadBy(readFileSync(join(CONFIG, file), 'utf8'))
        .filter((name) => !declaredNames.has(name))
        .map((name) => `${file}: ${name}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('puts every declared section in the reference', () => {
    for (const { section } of declared) expect(SETTINGS_SECTIONS).toContain(section);
  });
});

describe("each declared default, range and choice is the reader's", () => {
  const baseline = AppConfig.fromEnv(BASE);
  const literal = settings.flatMap((setting) =>
    typeof setting.default === 'object' ? [] : [[setting.name, setting.default] as const],
  );

  it.each(literal)('%s set to its declared default %p changes nothing', (name, value) => {
    expect(AppConfig.fromEnv({ ...BASE, [name]: String(value) })).toEqual(baseline);
  });

  it.each(
    settings.flatMap((setting) =>
      setting.type.kind === 'whole'
        ? [[setting.name, setting.type.min, setting.type.max ?? Number.MAX_SAFE_INTEGER] as const]
        : [],
    ),
  )('%s is a whole number from %d to %d', (name, min, max) => {
    expect(problemsWith(name, String(min - 1))).toContainEqual(
      `${name} must be between ${min} and ${max}, got ${min - 1}`,
    );
    expect(problemsWith(name, String(min))).toEqual([]);
  });

  it.each(settings.filter((s) => s.type.kind === 'boolean').map((s) => s.name))(
    '%s is true or false',
    (name) => {
      expect(problemsWith(name, 'maybe')).toContainEqual(
        `${name} must be true or false, got "maybe"`,
      );
    },
  );

  it.each(
    settings.flatMap((setting) =>
      setting.type.kind === 'choice' ? [[setting.name, setting.type.values] as const] : [],
    ),
  )('%s is one of %p', (name, values) => {
    expect(problemsWith(name, 'no-such-choice')).toContainEqual(
      `${name} must be one of ${values.join(', ')}, got "no-such-choice"`,
    );
    for (const value of values) {
      expect(problemsWith(name, value).filter((p) => p.startsWith(`${name} must`))).toEqual([]);
    }
  });
});
