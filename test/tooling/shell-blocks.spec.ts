/**
 * Every shell block of the project's Markdown (```bash, ```sh, ```shell) is a script bash can
 * read (`bash -n`: parsed, nothing run): a reader pastes it whole, and a `<placeholder>` outside
 * quotes is a redirection, an unclosed quote swallows the lines after it. What a block needs the
 * reader to fill in is a variable set once, or a value inside quotes. The blocks that can run
 * here are run as written by their own specs (test/support/doc-blocks.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackedMarkdown } from '../support/docs';
import { ROOT } from '../support/readme';

interface ShellBlock {
  file: string;
  line: number;
  script: string;
}

function shellBlocks(file: string, markdown: string): ShellBlock[] {
  return [...markdown.matchAll(/^( *)```(?:bash|sh|shell)\n([\s\S]*?)^\1```$/gm)].map((match) => ({
    file,
    line: markdown.slice(0, match.index).split('\n').length,
    // A block indented under a list item: its lines without the item's indentation.
    script: match[2].replace(new RegExp(`^${match[1]}`, 'gm'), ''),
  }));
}

/** What `bash -n` says of `script`: nothing when it parses. */
function parseProblem(script: string): string {
  const run = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return run.status === 0 ? '' : run.stderr.trim() || `bash -n exited ${run.status}`;
}

const blocks = trackedMarkdown().flatMap((file) =>
  shellBlocks(file, readFileSync(join(ROOT, file), 'utf8')),
);

describe('the shell blocks of the documentation', () => {
  it('finds them, the indented ones under list items too', () => {
    expect(blocks.length).toBeGreaterThan(50);
    expect(blocks.map((block) => block.file)).toEqual(
      expect.arrayContaining(['README.md', 'docs/OAUTH.md', 'docs/RELEASING.md']),
    );
  });

  it('tells a block that does not parse', () => {
    expect(parseProblem('git checkout v<x.y.z>\n')).toMatch(/syntax error/);
    expect(parseProblem('curl -d \'{"a":1}\n')).not.toBe('');
    expect(parseProblem('VERSION=1.2.3\ngit checkout "v$VERSION"\n')).toBe('');
  });

  it('each parses as bash, as a reader pastes it', () => {
    const problems = blocks
      .map((block) => ({ ...block, problem: parseProblem(block.script) }))
      .filter((block) => block.problem !== '')
      .map((block) => `${block.file}:${block.line}: ${block.problem}`);
    expect(problems).toEqual([]);
  });
});
