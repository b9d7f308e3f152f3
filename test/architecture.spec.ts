import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layout's dependency rules, read from the code's own imports: a rule broken here fails CI,
 * so the shape cannot drift back one import at a time.
 */
const SRC = resolve(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'public' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Top-level folder under src/ of each relative import of `file` (e.g. `oauth`, `platform`). */
function importedAreas(file: string): { area: string; specifier: string }[] {
  const text = readFileSync(file, 'utf8');
  const found: { area: string; specifier: string }[] = [];
  for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = relative(SRC, resolve(dirname(file), match[1]));
    if (target.startsWith('..')) continue;
    found.push({ area: target.split('/')[0], specifier: match[1] });
  }
  return found;
}

const files = sourceFiles(SRC).map((file) => ({
  path: relative(SRC, file),
  area: relative(SRC, file).split('/')[0],
  imports: importedAreas(file),
}));

function violations(from: string[], forbidden: (area: string) => boolean): string[] {
  return files
    .filter((file) => from.includes(file.area))
    .flatMap((file) =>
      file.imports
        .filter((imported) => imported.area !== file.area && forbidden(imported.area))
        .map((imported) => `${file.path} imports ${imported.specifier}`),
    );
}

describe('layout: dependencies point one way', () => {
  it('reads the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((file) => file.area === 'oauth')).toBe(true);
    expect(files.some((file) => file.area === 'wallet')).toBe(true);
  });

  it('oauth/ never imports wallet/, and wallet/ never imports oauth/', () => {
    expect(violations(['oauth'], (area) => area === 'wallet')).toEqual([]);
    expect(violations(['wallet'], (area) => area === 'oauth')).toEqual([]);
  });

  it('wallet/ never imports login/ (login/ uses wallet/ for SIWE, not the reverse)', () => {
    expect(violations(['wallet'], (area) => area === 'login')).toEqual([]);
  });

  it('platform/ and config/ know no protocol: they import only each other', () => {
    const allowed = new Set(['platform', 'config']);
    expect(violations(['platform', 'config'], (area) => !allowed.has(area))).toEqual([]);
  });

  it('protocol code knows nothing of metrics or figures: it emits events, telemetry/ listens', () => {
    const protocol = ['challenges', 'clients', 'tokens', 'oauth', 'wallet', 'login', 'resource'];
    expect(violations(protocol, (area) => area === 'telemetry' || area === 'compare')).toEqual([]);
  });

  it("admin/ (the operators' CLI) sits on top of the features: nothing imports it", () => {
    const others = [...new Set(files.map((file) => file.area))].filter((area) => area !== 'admin');
    expect(files.some((file) => file.area === 'admin')).toBe(true);
    expect(violations(others, (area) => area === 'admin')).toEqual([]);
  });

  it('platform/rate-limit is the mechanism only: the features declare and prove the keys', () => {
    const rateLimit = files.filter((file) => file.path.startsWith('platform/rate-limit/'));
    expect(rateLimit.length).toBeGreaterThan(3);
    const identities = new Set(['clients', 'oauth', 'wallet', 'login']);
    expect(violations(['platform'], (area) => identities.has(area))).toEqual([]);
    // Client credentials are read by the feature that authenticates them, never by the limiter.
    const credentials = rateLimit.flatMap((file) =>
      file.imports
        .filter((imported) => /http\/basic-credentials$/.test(imported.specifier))
        .map((imported) => `${file.path} imports ${imported.specifier}`),
    );
    expect(credentials).toEqual([]);
    for (const file of rateLimit) {
      const text = readFileSync(join(SRC, file.path), 'utf8');
      expect({
        file: file.path,
        siwe: /siwe|client_id|headers\.authorization/i.test(text),
      }).toEqual({
        file: file.path,
        siwe: false,
      });
    }
  });

  it('the challenge store stands on platform/ and config/ only', () => {
    const allowed = new Set(['platform', 'config']);
    expect(violations(['challenges'], (area) => !allowed.has(area))).toEqual([]);
  });
});
