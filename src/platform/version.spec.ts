import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_NAME, SERVICE_VERSION } from './version';

describe('the release', () => {
  it("is package.json's version, a semantic version, and names the server in the logs", () => {
    const manifest = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'),
    ) as {
      version: string;
    };
    expect(SERVICE_VERSION).toBe(manifest.version);
    expect(SERVICE_VERSION).toMatch(/^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/);
    expect(SERVER_NAME).toBe(`proofgate/${SERVICE_VERSION}`);
  });
});
