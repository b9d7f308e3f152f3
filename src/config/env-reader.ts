import { ConfigError, Env, httpUrl as readHttpUrl, str as readStr } from './env-parsers';
import type { DeclaredSettings, FixedSetting, Setting } from './setting';

/** The values of declared settings, by the names they are declared under. */
export type SettingValues<S extends DeclaredSettings> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/**
 * The environment as the section readers see it: each reader records an invalid variable's
 * problem and goes on with the default, so that `AppConfig.fromEnv` reports every problem of a
 * deployment at once, one line each.
 */
export class EnvReader {
  private readonly found: string[] = [];

  constructor(readonly env: Env) {}

  get problems(): readonly string[] {
    return this.found;
  }

  /** A problem that no single variable's reader can see (two settings that disagree). */
  problem(text: string): void {
    this.found.push(text);
  }

  /** `parse`'s value, or `fallback` (its problems recorded) when it throws a ConfigError. */
  read<T>(parse: (env: Env) => T, fallback: T): T {
    try {
      return parse(this.env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      this.found.push(...error.problems);
      return fallback;
    }
  }

  /** A declared setting's value, or its fixed value when unset. */
  get<T>(setting: FixedSetting<T>): T;
  /** A declared setting's value, or `fallback` when unset (a default worked out by the reader). */
  get<T, F>(setting: Setting<T>, fallback: F): T | F;
  get(setting: Setting, ...given: [] | [unknown]): unknown {
    const fallback = given.length === 0 ? setting.fallback : given[0];
    return this.read((env) => setting.type.parse(env, setting.name) ?? fallback, fallback);
  }

  /** Whether the variable is set (to more than white space), valid or not. */
  isSet(setting: Setting): boolean {
    return readStr(this.env, setting.name) !== undefined;
  }

  /** Every setting's value, for a section whose settings all have a fixed value when unset. */
  values<S extends Readonly<Record<string, FixedSetting<unknown>>>>(settings: S): SettingValues<S> {
    const entries = Object.entries(settings).map(([key, setting]) => [key, this.get(setting)]);
    return Object.fromEntries(entries) as SettingValues<S>;
  }

  str(name: string, fallback: string): string;
  str(name: string): string | undefined;
  str(name: string, fallback?: string): string | undefined {
    return readStr(this.env, name) ?? fallback;
  }

  httpUrl(name: string, fallback: string): string {
    return this.read((env) => readHttpUrl(env, name, fallback), fallback);
  }

  /** Throws one ConfigError listing every problem recorded. */
  throwIfProblems(): void {
    if (this.found.length > 0) throw new ConfigError(this.found);
  }
}
