import { type Env, bool, httpUrl as readHttpUrl, int, oneOf, str } from './env-parsers';

/**
 * A setting, declared once: its name, type, default and description are what the configuration
 * reference states, and its type also reads it (`EnvReader.get`), so the value a section uses and
 * the line docs/CONFIGURATION.md gives it (`npm run docs:config`) come from one declaration.
 * test/tooling/configuration-doc.spec.ts holds them to each other: every declared setting is read
 * when the configuration is, a literal default is the value used when the variable is unset, and
 * a range or a list of choices is the one enforced.
 */
export interface Setting<T = unknown> {
  readonly name: string;
  readonly type: SettingType<T>;
  /**
   * What an unset (or empty) variable means: the value the reader falls back to outside
   * production, or, when it depends on other settings or on nothing at all, a phrase saying so.
   */
  readonly default: string | number | boolean | { readonly unset: string };
  /** Follows a literal default: where it differs (`in production`, `in tests`). */
  readonly defaultNote?: string;
  /** Markdown, one paragraph or more (`\n\n` between them); links relative to docs/. */
  readonly description: string;
  /** The value when the variable is unset, where that is fixed (not for a phrase alone). */
  readonly fallback?: T;
}

/** A setting whose value when unset is fixed: it reads without a fallback of the reader's. */
export interface FixedSetting<T> extends Setting<T> {
  readonly fallback: T;
}

/** The value of a variable, or undefined when it is unset; throws a ConfigError when invalid. */
export type Parse<T> = (env: Env, name: string) => T | undefined;

export type SettingType<T = unknown> = (
  | { readonly kind: 'whole'; readonly min: number; readonly max?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'choice'; readonly values: readonly string[] }
  /** Anything else: the shape in a few words (`an http(s) URL`, `a JSON array`). */
  | { readonly kind: 'text'; readonly shape: string }
) & {
  // A method, so that a Setting<number> is also a Setting (of unknown).
  parse(env: Env, name: string): T | undefined;
};

/** One of the readers of env-parsers.ts that take a fallback, as a Parse (unset: undefined). */
function unlessUnset<T>(read: (env: Env, name: string) => T): Parse<T> {
  return (env, name) => (str(env, name) === undefined ? undefined : read(env, name));
}

export function whole(min: number, max?: number): SettingType<number> {
  const parse = unlessUnset((env, name) => int(env, name, min, { min, max }));
  return max === undefined ? { kind: 'whole', min, parse } : { kind: 'whole', min, max, parse };
}

export const BOOLEAN: SettingType<boolean> = {
  kind: 'boolean',
  parse: unlessUnset((env, name) => bool(env, name, false)),
};

export function choice<V extends string>(values: readonly V[]): SettingType<V> {
  return {
    kind: 'choice',
    values,
    parse: unlessUnset((env, name) => oneOf(env, name, values, values[0])),
  };
}

/** Text as it is set (trimmed), or what `parse` makes of it. */
export function text(shape: string): SettingType<string>;
export function text<T>(shape: string, parse: Parse<T>): SettingType<T>;
export function text(shape: string, parse: Parse<unknown> = str): SettingType<unknown> {
  return { kind: 'text', shape, parse };
}

export const httpUrl: Parse<string> = unlessUnset((env, name) => readHttpUrl(env, name, ''));

type Literal = string | number | boolean;
interface Described {
  readonly name: string;
  readonly defaultNote?: string;
  readonly description: string;
}

/** A setting with a literal default, which is also its value when unset. */
export function setting<T extends Literal>(
  declared: Described & { readonly type: SettingType<T>; readonly default: NoInfer<T> },
): FixedSetting<T>;
/** A setting whose default is a phrase and whose value when unset is nevertheless fixed. */
export function setting<T>(
  declared: Described & {
    readonly type: SettingType<T>;
    readonly default: { readonly unset: string };
    readonly fallback: T;
  },
): FixedSetting<T>;
/** A setting whose value when unset the reader works out (from other settings). */
export function setting<T>(
  declared: Described & { readonly type: SettingType<T>; readonly default: { unset: string } },
): Setting<T>;
export function setting(declared: Setting): Setting {
  return typeof declared.default === 'object'
    ? declared
    : { ...declared, fallback: declared.default };
}

/** The settings of one config section, under one heading of the reference. */
export interface SettingsSection {
  readonly title: string;
  /** One sentence under the heading (Markdown). */
  readonly intro: string;
  readonly settings: readonly Setting[];
}

/** A section's settings by the names of the values they give, in the reference's order. */
export type DeclaredSettings = Readonly<Record<string, Setting>>;

export interface DeclaredSection<S extends DeclaredSettings> extends SettingsSection {
  readonly declared: S;
}

export function settingsSection<S extends DeclaredSettings>(
  title: string,
  intro: string,
  declared: S,
): DeclaredSection<S> {
  return { title, intro, settings: Object.values(declared), declared };
}
