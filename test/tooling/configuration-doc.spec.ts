/**
 * The configuration reference cannot drift from the code (issue #48, "a generated configuration
 * reference from the typed config sections"):
 * - docs/CONFIGURATION.md is what `npm run docs:config` writes from the settings declared in
 *   src/config, never edited apart;
 * - the configuration reads exactly the variables src/config declares, each where it is declared;
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
import { EVERY_READER_ON, variablesReadBy } from '../support/config-reads';
import { ROOT } from '../support/readme';

const CONFIG = join(ROOT, 'src', 'config');

/** The files of src/config that read environment variables (spec files aside). */
function configFiles(): string[] {
  return readdirSync(CONFIG, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .sort();
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
const BASE: Env = EVERY_READER_ON;

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

describe('the configuration reads exactly the variables src/config declares', () => {
  const files = configFiles();
  const declared = files.flatMap((file) =>
    sectionsDeclaredIn(file).map((section) => ({ file, section })),
  );
  const declaredNames = settings.map((setting) => setting.name);
  const read = variablesReadBy();

  it('finds the declarations', () => {
    expect(files).toEqual(
      expect.arrayContaining(['sections/server.config.ts', 'tracing-config.ts']),
    );
    expect(declared.length).toBe(SETTINGS_SECTIONS.length);
  });

  it('looks up every declared variable when it reads the configuration', () => {
    expect(declaredNames.filter((name) => !read.has(name))).toEqual([]);
  });

  it('looks up no variable it does not declare', () => {
    expect([...read].filter((name) => !declaredNames.includes(name))).toEqual([]);
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
