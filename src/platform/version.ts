import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The package.json of Proofgate nearest above `from`: the checkout's (under the tests, or a build
 * in `dist/` or `.build/<name>/`) or the image's (`/app`, beside `dist/`).
 */
function packageOf(from: string): { name?: string; version: string } {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version: string };
      if (manifest.name === 'proofgate') return manifest;
    }
    if (dirname(dir) === dir) throw new Error(`No package.json of proofgate above ${from}`);
  }
}

/**
 * The release this build is: package.json's `version` (semantic versioning; CHANGELOG.md has a
 * section for each, docs/RELEASING.md says how one is cut), read once at load: the one place it
 * is written.
 */
export const SERVICE_VERSION: string = packageOf(__dirname).version;

/** How the service names itself in its logs (`server`): `proofgate/<version>`. */
export const SERVER_NAME = `proofgate/${SERVICE_VERSION}`;
