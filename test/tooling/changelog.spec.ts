/**
 * CHANGELOG.md is kept as docs/RELEASING.md says (Keep a Changelog, semantic versioning): an
 * `Unreleased` section always, a dated section for the version package.json names, the releases
 * newest first, each with its link reference, and only Keep a Changelog's groups of changes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { ROOT } from '../support/readme';

const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

/** Every `## [...]` heading, in order: its name (Unreleased or a version) and its date. */
const sections = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\S+))?$/gm)].map((match) => ({
  name: match[1],
  date: match[2],
  body: changelog.slice(match.index + match[0].length).split(/^## /m)[0],
}));
const releases = sections.filter((section) => section.name !== 'Unreleased');

describe('CHANGELOG.md', () => {
  it('opens with an Unreleased section', () => {
    expect(sections[0]?.name).toBe('Unreleased');
    expect(sections[0]?.date).toBeUndefined();
  });

  it("has a dated section for package.json's version", () => {
    expect(releases.map((release) => release.name)).toContain(version);
  });

  it('names releases by semantic versions, newest first, each dated (YYYY-MM-DD) once', () => {
    for (const release of releases) {
      expect(semver.valid(release.name)).toBe(release.name);
      expect(release.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${release.date}T00:00:00Z`).toISOString().slice(0, 10)).toBe(release.date);
    }
    const names = releases.map((release) => release.name);
    expect(names).toEqual([...names].sort(semver.rcompare));
    expect(new Set(names).size).toBe(names.length);
  });

  it("groups each section's changes under Keep a Changelog's headings only, none empty", () => {
    const groups = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'];
    for (const section of sections) {
      const headings = [...section.body.matchAll(/^### (.+)$/gm)].map((match) => match[1]);
      expect(headings.filter((heading) => !groups.includes(heading))).toEqual([]);
      for (const group of section.body.split(/^### .+$/m).slice(1)) {
        expect(group).toMatch(/^- /m);
      }
    }
    for (const release of releases) expect(release.body).toMatch(/^### /m);
  });

  it('gives every section a link reference', () => {
    for (const section of sections) {
      expect(changelog).toMatch(
        new RegExp(`^\\[${section.name.replace(/\./g, '\\.')}\\]: \\S+$`, 'm'),
      );
    }
  });
});
