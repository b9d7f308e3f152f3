import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The upstream SIWE conformance vectors, kept unchanged in the repository (`test/vectors/siwe/`,
 * with their README: upstream commit and licence), so a plain clone needs nothing beside it.
 */
export const SIWE_VECTORS = path.join(__dirname, '..', 'vectors', 'siwe');

export function siweVectors<T>(file: string): [string, T][] {
  const json = JSON.parse(readFileSync(path.join(SIWE_VECTORS, file), 'utf8')) as Record<string, T>;
  return Object.entries(json);
}
