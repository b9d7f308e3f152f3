import {
  ConfigError,
  Env,
  bool as readBool,
  httpUrl as readHttpUrl,
  int as readInt,
  oneOf as readOneOf,
  str as readStr,
} from './env-parsers';

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

  str(name: string, fallback: string): string;
  str(name: string): string | undefined;
  str(name: string, fallback?: string): string | undefined {
    return readStr(this.env, name) ?? fallback;
  }

  int(name: string, fallback: number, range?: { min?: number; max?: number }): number {
    return this.read((env) => readInt(env, name, fallback, range), fallback);
  }

  bool(name: string, fallback: boolean): boolean {
    return this.read((env) => readBool(env, name, fallback), fallback);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    return this.read((env) => readOneOf(env, name, allowed, fallback), fallback);
  }

  httpUrl(name: string, fallback: string): string {
    return this.read((env) => readHttpUrl(env, name, fallback), fallback);
  }

  /** Throws one ConfigError listing every problem recorded. */
  throwIfProblems(): void {
    if (this.found.length > 0) throw new ConfigError(this.found);
  }
}
