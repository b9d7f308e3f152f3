/**
 * No line of the README's or docs' prose is over 160 characters (issue #48: the README had lines
 * of 1,815): a table whose cells do not fit becomes a list, or moves its long explanations below
 * it. Fenced code is not prose and keeps its lines as a shell needs them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/readme';

const MAX = 160;

function pages(): string[] {
  return [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.md'))
      .map((name) => join('docs', name)),
  ].sort();
}

/** The lines over `max` characters outside fenced code, as `file:line (length)`. */
function longLines(file: string, markdown: string, max = MAX): string[] {
  let fence: string | undefined;
  return markdown.split('\n').flatMap((line, index) => {
    const opening = /^\s*(```|~~~)/.exec(line)?.[1];
    if (opening !== undefined) {
      if (fence === undefined) fence = opening;
      else if (opening === fence) fence = undefined;
      return [];
    }
    if (fence !== undefined || [...line].length <= max) return [];
    return [`${file}:${index + 1} (${[...line].length})`];
  });
}

describe('README and docs: no line of prose over 160 characters', () => {
  const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

  it('finds a long line, and leaves fenced code alone (the check itself works)', () => {
    const long = 'x'.repeat(MAX + 1);
    expect(longLines('x.md', `ok\n${long}\n\`\`\`bash\n${long}\n\`\`\`\n`)).toEqual([
      `x.md:2 (${MAX + 1})`,
    ]);
    expect(longLines('x.md', `${'é'.repeat(MAX)}\n`)).toEqual([]);
  });

  it.each(pages())('%s', (file) => {
    expect(longLines(file, read(file))).toEqual([]);
  });
});
