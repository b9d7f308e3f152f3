import { ConfigError } from '../../src/config/env-parsers';

/** The problems of the ConfigError `run` throws, one a line; an error when it throws none. */
export function configProblems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
