/**
 * The variables the documentation lists, read from the pages themselves: the service's settings
 * (docs/CONFIGURATION.md, one `### \`NAME\`` heading each, written from src/config) and the
 * variables read by the tools and tests (a list in docs/DEVELOPMENT.md).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './readme';
import { trackedFiles } from './tracked-files';

export const TOOLS_HEADING = '## Variables read by the tools and tests';

export function doc(name: string): string {
  return readFileSync(join(ROOT, 'docs', name), 'utf8');
}

/** The Markdown files git tracks, and new ones not yet added (never what git ignores), sorted. */
export function trackedMarkdown(): string[] {
  return trackedFiles(['*.md']);
}

/** The README, every page of docs/ (runbooks included) and the examples' READMEs: the pages read. */
export function documentationPages(): Array<{ file: string; text: string }> {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  const examples = readdirSync(join(ROOT, 'examples'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('README.md') && !name.split('/').includes('node_modules'))
    .map((name) => join('examples', name));
  return ['README.md', 'CHANGELOG.md', ...docs, ...examples].map((file) => ({
    file,
    text: readFileSync(join(ROOT, file), 'utf8'),
  }));
}

/** The service's settings: the headings of docs/CONFIGURATION.md, in its order. */
export function configurationVariables(markdown = doc('CONFIGURATION.md')): string[] {
  return [...markdown.matchAll(/^### `([A-Z][A-Z0-9_]*)`$/gm)].map((m) => m[1]);
}

/**
 * What only the tools and tests read: the names that open each item of the list under
 * TOOLS_HEADING in docs/DEVELOPMENT.md (an item may name several, as in
 * "`AGENT_CLIENT_ID` / `AGENT_PRIVATE_JWK`"), in its order.
 */
export function toolVariables(markdown = doc('DEVELOPMENT.md')): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === TOOLS_HEADING);
  if (start < 0) throw new Error(`docs/DEVELOPMENT.md has no "${TOOLS_HEADING}" heading`);
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,2} /.test(line)) break;
    const item = /^- ((?:`[A-Z][A-Z0-9_]*`(?: \/ |, )?)+)/.exec(line);
    if (item) names.push(...[...item[1].matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]));
  }
  if (names.length === 0) throw new Error(`no list of variables under "${TOOLS_HEADING}"`);
  return names;
}

/** The text outside fenced code blocks, line by line (links in code are not links). */
export function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opening = /^\s*(```|~~~)/.exec(line);
    if (opening) {
      if (fence === undefined) fence = opening[1];
      else if (opening[1] === fence) fence = undefined;
      lines.push('');
      continue;
    }
    lines.push(fence === undefined ? line : '');
  }
  return lines;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a page's headings, in its order. */
export function headingsOf(markdown: string): string[] {
  return proseLines(markdown)
    .map((line) => /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1])
    .filter((heading): heading is string => heading !== undefined)
    .map(slugOf);
}
