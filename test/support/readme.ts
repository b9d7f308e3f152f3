/**
 * The variables the README documents, read from its tables: the configuration table (the
 * service's settings) and the table of variables read by the tools and tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

export const CONFIGURATION_HEADING = '## Configuration';
export const TOOLS_HEADING = '### Variables read by the tools and tests';

/**
 * The variable names in the first column of the first table after `heading` (a row may name
 * several, as in "`RATE_LIMIT_TOKEN_PER_IP` / `RATE_LIMIT_TOKEN_PER_CLIENT`"), in README order.
 */
export function variablesOfTable(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`README has no "${heading}" heading`);
  let row = start + 1;
  while (row < lines.length && !lines[row].startsWith('|')) {
    if (/^#{1,3} /.test(lines[row])) throw new Error(`no table under "${heading}"`);
    row += 1;
  }
  const names: string[] = [];
  // Skip the header and the |---| separator.
  for (row += 2; row < lines.length && lines[row].startsWith('|'); row += 1) {
    const firstCell = lines[row].split('|')[1] ?? '';
    const inRow = [...firstCell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]);
    if (inRow.length === 0) throw new Error(`a row under "${heading}" names no variable`);
    names.push(...inRow);
  }
  return names;
}

export function readme(): string {
  return readFileSync(join(ROOT, 'README.md'), 'utf8');
}

/** The service's settings: the README's configuration table. */
export function configurationVariables(markdown = readme()): string[] {
  return variablesOfTable(markdown, CONFIGURATION_HEADING);
}

/** What only the tools and tests read: the README's second table. */
export function toolVariables(markdown = readme()): string[] {
  return variablesOfTable(markdown, TOOLS_HEADING);
}
