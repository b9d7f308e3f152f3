/**
 * Strangers may use Proofgate (issue #78, item 1): the repository is under the Apache License 2.0,
 * said the same way everywhere a person or a tool looks (LICENSE, package.json's `license`, the
 * lock files' root entries, the image's label), and the NOTICE names every piece of third-party
 * material copied into the repository. No tracked file reserves every right.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/readme';

const read = (...path: string[]) => readFileSync(join(ROOT, ...path), 'utf8');

/** SHA-256 of the Apache License 2.0 as apache.org publishes it (LICENSE-2.0.txt, with its appendix). */
const APACHE_2_0_SHA256 = 'c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4';

/** Every package.json of this repository's own (not an install's), with its lock file when it has one. */
const MANIFESTS = ['.', 'examples/dapp-kits'];

describe('the licence', () => {
  it('is the Apache License 2.0, unchanged, in LICENSE at the root', () => {
    const text = read('LICENSE');
    expect(
      text
        .split('\n')
        .slice(0, 3)
        .map((line) => line.trim()),
    ).toEqual(['Apache License', 'Version 2.0, January 2004', 'http://www.apache.org/licenses/']);
    expect(createHash('sha256').update(text).digest('hex')).toBe(APACHE_2_0_SHA256);
  });

  it.each(MANIFESTS)(
    'is Apache-2.0 in %s/package.json and its lock file, which stays private',
    (dir) => {
      const manifest = JSON.parse(read(dir, 'package.json')) as {
        license?: string;
        private?: boolean;
      };
      expect(manifest).toMatchObject({ license: 'Apache-2.0', private: true });
      const lock = JSON.parse(read(dir, 'package-lock.json')) as {
        packages: Record<string, { license?: string }>;
      };
      expect(lock.packages['']?.license).toBe('Apache-2.0');
    },
  );

  it.each(readdirSync(join(ROOT, 'packages')))(
    'is Apache-2.0 in the workspace package packages/%s, whose tarball carries the LICENSE',
    (name) => {
      const manifest = JSON.parse(read('packages', name, 'package.json')) as { license?: string };
      expect(manifest.license).toBe('Apache-2.0');
      expect(read('packages', name, 'LICENSE')).toBe(read('LICENSE'));
    },
  );

  it('goes into the image with the NOTICE, and the image says so in its label', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^COPY LICENSE NOTICE \.\/$/m);
    expect(dockerfile).toMatch(/org\.opencontainers\.image\.licenses="Apache-2\.0"/);
  });

  it('is not contradicted: no tracked file reserves every right or says UNLICENSED', () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((file) => file !== '' && file !== 'test/tooling/licence.spec.ts');
    const contradicting = tracked.filter((file) => {
      const text = readFileSync(join(ROOT, file), 'latin1');
      return /"license":\s*"UNLICENSED"|all rights reserved/i.test(text);
    });
    expect(contradicting).toEqual([]);
  });
});

describe('NOTICE', () => {
  const notice = read('NOTICE');

  it('names the project, its copyright and its licence', () => {
    expect(notice.split('\n')[0]).toBe('Proofgate');
    expect(notice).toMatch(/^Copyright \d{4} The Proofgate Authors$/m);
    expect(notice).toContain('Apache License, Version 2.0 (see LICENSE)');
  });

  it('names every folder of upstream vectors, each of which carries its source and licence', () => {
    const folders = readdirSync(join(ROOT, 'test', 'vectors'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      expect(notice).toContain(`test/vectors/${folder}/`);
      expect(read('test', 'vectors', folder, 'README.md')).toMatch(/^## Licence$/m);
    }
  });

  it('names every file that says it holds declarations copied from another package', () => {
    const tracked = execFileSync('git', ['ls-files', '-z', 'src', 'test', 'tools', 'examples'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((file) => /\.(ts|js|mjs)$/.test(file));
    const copying = tracked.filter((file) => /\bcopied from @/.test(read(file)));
    expect(copying).toContain('test/support/dapp-kits.d.ts');
    for (const file of copying) expect(notice).toContain(file);
  });
});
