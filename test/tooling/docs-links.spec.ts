/**
 * Every relative link in the project's Markdown resolves: the file or folder exists, and an
 * anchor (`#section`) names a heading of its target, with GitHub's slug rules. No file has two
 * headings with one anchor (GitHub would number the second, and every link would reach the first).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { headingsOf, proseLines, slugOf, trackedMarkdown } from '../support/docs';
import { ROOT } from '../support/readme';

interface Link {
  file: string;
  line: number;
  target: string;
}

function linksOf(file: string, markdown: string): Link[] {
  const links: Link[] = [];
  proseLines(markdown).forEach((text, index) => {
    // Inline code is not a link either.
    const prose = text.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      links.push({ file, line: index + 1, target: match[1] });
    }
  });
  return links;
}

/** The anchors of Keep a Changelog's groups of changes (`### Added`, ...). */
const CHANGELOG_GROUPS = ['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'];

const files = trackedMarkdown();
const anchors = new Map(
  files.map((file) => [file, headingsOf(readFileSync(join(ROOT, file), 'utf8'))]),
);

describe('the documentation links', () => {
  it('finds the Markdown it checks', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/SECURITY.md']));
  });

  it('resolves every relative link and anchor', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const link of linksOf(file, readFileSync(join(ROOT, file), 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:, ...
        const [path, anchor] = link.target.split('#', 2);
        const target = path === '' ? file : relative(ROOT, resolve(ROOT, dirname(file), path));
        const where = `${link.file}:${link.line} → ${link.target}`;
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${where}: no such file`);
          continue;
        }
        if (anchor === undefined) continue;
        if (statSync(join(ROOT, target)).isDirectory() || !target.endsWith('.md')) {
          broken.push(`${where}: an anchor into something that is not Markdown`);
        } else if (!anchors.get(target)?.includes(anchor)) {
          broken.push(`${where}: ${target} has no heading with that anchor`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it("gives every heading of a file an anchor of its own (but the changelog's groups)", () => {
    const collisions: string[] = [];
    for (const [file, slugs] of anchors) {
      const seen = new Set<string>();
      for (const slug of slugs) {
        // Keep a Changelog repeats its groups in every release (test/tooling/changelog.spec.ts):
        // a link names the release, never one of them.
        if (file === 'CHANGELOG.md' && CHANGELOG_GROUPS.includes(slug)) continue;
        if (seen.has(slug)) collisions.push(`${file}: #${slug}`);
        seen.add(slug);
      }
    }
    expect(collisions).toEqual([]);
  });
});

describe('slugOf', () => {
  it.each([
    ['Quick start', 'quick-start'],
    ['Administration: `proofgate-admin`', 'administration-proofgate-admin'],
    ['Wallet login (Sign-In with Ethereum)', 'wallet-login-sign-in-with-ethereum'],
    ['OAuth 2.1 and OpenID Connect', 'oauth-21-and-openid-connect'],
  ])('%s → #%s', (heading, slug) => {
    expect(slugOf(heading)).toBe(slug);
  });
});
