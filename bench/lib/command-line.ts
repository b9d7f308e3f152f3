/**
 * How the harness commands read their options (every `npm run bench*`, and `npm run fleet`/`soak`
 * from tools/fleet): `--flag` and `--name value` words, left to right, each handed to its option's
 * own handler. An unknown option or a bad value throws with a one-line message that names it;
 * `readCommandLine` turns that into the usage and exit code 2, and answers `--help`.
 */

/** The value that follows an option's name, read only when its handler asks for it. */
export interface OptionValue {
  /** An integer from `min` to `max`. */
  integer(min: number, max: number): number;
  /** A comma-separated list of integers, each from `min` to `max`, at least one. */
  integers(min: number, max: number): number[];
  /** A version number (`26.4.7`): digits and dots. */
  version(): string;
  /** A file name, or `-` for none. */
  file(): string;
  /** Any word that is not an option's name: a directory, a commit (`what` says which). */
  text(what: string): string;
  /** One of `choices`. */
  oneOf<const T extends string>(choices: readonly T[]): T;
  /** A comma-separated list of some of `choices`, at least one. */
  list<const T extends string>(choices: readonly T[]): T[];
}

/** Option name (`--rounds`) to what it sets; a flag's handler reads no value. */
export type OptionHandlers = Readonly<Record<string, (value: OptionValue) => void>>;

/** Options as they are filled in while argv is read. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** `--help` (or `-h`) anywhere: print the usage and exit 0, whatever else argv holds. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/**
 * Reads argv (without node and the script) through `handlers`; a word that is not an option
 * (does not start with `-`) goes to `operand` when the command takes such words (file names).
 */
export function readOptions(
  argv: readonly string[],
  handlers: OptionHandlers,
  operand?: (word: string) => void,
): void {
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (operand && !name.startsWith('-')) {
      operand(name);
      continue;
    }
    const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
    if (!handler) throw new Error(`unknown option ${name}`);
    handler(optionValue(name, () => argv[++i]));
  }
}

/**
 * A script's command line, read the same way by every harness command before it starts anything:
 * `--help` prints `usage` and exits 0; an option `parse` refuses prints the one line that names
 * it, then the usage, on stderr and exits 2 (a mistake in the command, not a failure: no stack).
 */
export function readCommandLine<T>(usage: string, parse: (argv: readonly string[]) => T): T {
  const argv = process.argv.slice(2);
  if (wantsHelp(argv)) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    process.exit(2);
  }
}

function optionValue(name: string, next: () => string | undefined): OptionValue {
  return {
    integer(min, max) {
      const value = next();
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < min || n > max) {
        throw new Error(
          `${name} needs an integer from ${min} to ${max}, got ${value ?? 'nothing'}`,
        );
      }
      return n;
    },
    integers(min, max) {
      const value = next();
      const words = value === undefined || value === '' ? [] : value.split(',');
      const numbers = words.map(Number);
      if (words.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < min || n > max)) {
        throw new Error(
          `${name} needs a comma-separated list of integers from ${min} to ${max}, got ${value ?? 'nothing'}`,
        );
      }
      return numbers;
    },
    version() {
      const value = next();
      if (value === undefined || !/^\d+(\.\d+)*$/.test(value)) {
        throw new Error(`${name} needs a version number like 26.4.7, got ${value ?? 'nothing'}`);
      }
      return value;
    },
    file() {
      const value = next();
      if (!value) throw new Error(`${name} needs a file name (or -)`);
      return value;
    },
    text(what) {
      const value = next();
      if (!value || value.startsWith('--')) {
        throw new Error(`${name} needs ${what}, got ${value || 'nothing'}`);
      }
      return value;
    },
    oneOf<const T extends string>(choices: readonly T[]): T {
      const value = next();
      const chosen = choices.find((choice) => choice === value);
      if (chosen === undefined) {
        throw new Error(`${name} needs ${choices.join(' or ')}, got ${value ?? 'nothing'}`);
      }
      return chosen;
    },
    list<const T extends string>(choices: readonly T[]): T[] {
      const value = next();
      const words = value === undefined || value === '' ? [] : value.split(',');
      const chosen = words.map((word) => choices.find((choice) => choice === word));
      if (words.length === 0 || chosen.some((choice) => choice === undefined)) {
        throw new Error(
          `${name} needs a comma-separated list of ${choices.join(', ')}, got ${value ?? 'nothing'}`,
        );
      }
      return chosen as T[];
    },
  };
}
