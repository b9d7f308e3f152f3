/**
 * The whiteboard cannot drift from the tree (issue #48): docs/DEVELOPMENT.md's layout table names
 * only folders that exist, and every folder of `src/` and `test/`, and of the project around them,
 * has its row; and every file or folder of the project a page names exists.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/readme';

const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');

/** The paths in the first cells of the table under `## Layout`, as written. */
function layoutRows(markdown: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf('## Layout');
  if (start < 0) throw new Error('docs/DEVELOPMENT.md has no "## Layout"');
  const first = lines.findIndex((line, i) => i > start && line.startsWith('|'));
  const rows: string[] = [];
  for (let i = first + 2; i < lines.length && lines[i].startsWith('|'); i += 1) {
    rows.push(...[...lines[i].split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
  }
  return rows;
}

/** A path as written, up to its first placeholder (`<folder>`) or wildcard. */
function concrete(path: string): string {
  return path.replace(/[<*].*$/, '').replace(/\/$/, '');
}

/** The files git tracks, and new ones not ignored (no build output, no test artifacts). */
function projectFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file !== '' && existsSync(join(ROOT, file)));
}

/** The folders directly under `dir` that hold project files. */
function subfolders(dir: string): string[] {
  const under = projectFiles()
    .filter((file) => file.startsWith(`${dir}/`))
    .map((file) => file.split('/'))
    .filter((parts) => parts.length > 2)
    .map((parts) => `${dir}/${parts[1]}`);
  return [...new Set(under)].sort();
}

/** The project's own top-level folders: those holding project files, but src/, test/ and docs/. */
function projectFolders(): string[] {
  const top = new Set(
    projectFiles()
      .filter((file) => file.includes('/'))
      .map((file) => file.split('/')[0]),
  );
  return [...top].filter((dir) => !['src', 'test', 'docs'].includes(dir) && !dir.startsWith('.'));
}

describe("docs/DEVELOPMENT.md's layout table", () => {
  const rows = layoutRows(read('docs', 'DEVELOPMENT.md'));
  const named = new Set(rows.map(concrete));

  it('reads the table (the check itself works)', () => {
    expect(rows).toEqual(expect.arrayContaining(['src/config', 'src/proof-registry.ts', 'tools/']));
    expect(layoutRows('## Layout\n\n| Folder | What |\n|---|---|\n| `src/x` | y |\n')).toEqual([
      'src/x',
    ]);
  });

  it('names only folders and files that exist', () => {
    expect(rows.filter((path) => !existsSync(join(ROOT, concrete(path))))).toEqual([]);
  });

  it('has a row for every folder of src/ and test/', () => {
    const folders = [...subfolders('src'), ...subfolders('test')];
    expect(folders.length).toBeGreaterThan(20);
    expect(folders.filter((folder) => !named.has(folder))).toEqual([]);
  });

  it('has a row for every folder of the project around them', () => {
    const folders = projectFolders();
    expect(folders).toEqual(expect.arrayContaining(['tools', 'examples']));
    expect(folders.filter((folder) => !named.has(folder))).toEqual([]);
  });
});

describe('every file or folder of the project a page names exists', () => {
  const top = ['src', 'test', 'tools', 'bench', 'examples', 'deploy', 'docs', 'bin'];
  const pages = [
    'README.md',
    ...readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.md'))
      .map((name) => join('docs', name)),
  ];

  it('in the README and every page of docs/', () => {
    const missing = pages.flatMap((page) =>
      [...read(page).matchAll(/`([a-z][\w.<>*/-]*)`/g)]
        .map((m) => m[1])
        .filter((path) => top.some((dir) => path.startsWith(`${dir}/`)))
        .filter((path) => !existsSync(join(ROOT, concrete(path))))
        .map((path) => `${page}: ${path}`),
    );
    expect([...new Set(missing)]).toEqual([]);
  });
});
