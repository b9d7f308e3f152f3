/**
 * deploy/helm/proofgate/Chart.yaml names the release it deploys: its appVersion is package.json's
 * version (docs/RELEASING.md: a release bumps both), so that the image the chart runs by default
 * (`proofgate:<appVersion>`, values.yaml's image.tag left empty) is the release it was made for.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { parse } from 'yaml';
import { ROOT } from '../support/readme';

const CHART = join(ROOT, 'deploy', 'helm', 'proofgate');
const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
const values = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8')) as {
  image: { repository: string; tag: string };
};
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

describe('the Helm chart', () => {
  it("deploys package.json's version: appVersion is it, and the image tag defaults to it", () => {
    expect(chart.appVersion).toBe(version);
    expect(values.image.tag).toBe('');
  });

  it('says in its README the versions Chart.yaml has (a release bumps them together)', () => {
    const readme = readFileSync(join(CHART, 'README.md'), 'utf8');
    const said = /Chart version (\S+) deploys Proofgate (\S+)\s/.exec(readme);
    expect(said?.slice(1)).toEqual([chart.version, chart.appVersion]);
    // Every release number it writes is one of the two (the image tag is the app's); helm's own
    // (v3.22.0) and an address (0.0.0.0) are none.
    const numbers = [...readme.matchAll(/(?<![\d.v])\d+\.\d+\.\d+(?![\d.])/g)].map((m) => m[0]);
    expect(numbers.length).toBeGreaterThan(2);
    expect(numbers.filter((n) => n !== chart.version && n !== chart.appVersion)).toEqual([]);
  });

  it('is a Helm 3 application chart with a semantic version of its own', () => {
    expect(chart).toEqual(
      expect.objectContaining({ apiVersion: 'v2', name: 'proofgate', type: 'application' }),
    );
    expect(semver.valid(chart.version as string)).toBe(chart.version);
  });
});
