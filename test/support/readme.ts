/** The project's root, and its README. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export function readme(): string {
  return readFileSync(join(ROOT, 'README.md'), 'utf8');
}
