/**
 * deploy/grafana: the provisioned dashboards are what tools/grafana/dashboards.ts builds, and
 * every query names a metric the running service exports (read from its own /metrics) or a
 * recording rule of deploy/prometheus whose expression does, so a renamed metric breaks here
 * instead of leaving an empty panel.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { PROMTOOL_MISSING, findPromtool } from '../../support/promtool';
import { ROOT } from '../../support/readme';
import {
  DASHBOARDS,
  DASHBOARD_DIR,
  render,
  type Dashboard,
} from '../../../tools/grafana/dashboards';
import { useTestApp } from '../../support/use-test-app';

/** Metric names of Prometheus text: histograms and summaries export their series suffixes. */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
  }
  return names;
}

/** The metric and rule names a PromQL expression reads (label values and strings left out). */
function namesIn(expr: string): string[] {
  const code = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}');
  return [...code.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((match) => match[0])
    .filter((name) => name.startsWith('proofgate') || name === 'up');
}

const recording = (
  parse(readFileSync(join(ROOT, 'deploy', 'prometheus', 'recording.rules.yml'), 'utf8')) as {
    groups: { rules: { record: string; expr: string }[] }[];
  }
).groups.flatMap((group) => group.rules);

const queries = (dashboard: Dashboard) =>
  dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );

const promtool = findPromtool();
const withPromtool = promtool ? it : it.skip;

describe('deploy/grafana dashboards', () => {
  let exported: Set<string>;

  const t = useTestApp();
  beforeAll(async () => {
    exported = exportedNames((await t.http().get('/metrics').expect(200)).text);
  });

  it('are the files `npm run dashboards` writes (executive, on-call, debug)', () => {
    expect(Object.keys(DASHBOARDS).sort()).toEqual([
      'debug.json',
      'executive.json',
      'on-call.json',
    ]);
    for (const [file, build] of Object.entries(DASHBOARDS)) {
      expect({ file, json: readFileSync(join(DASHBOARD_DIR, file), 'utf8') }).toEqual({
        file,
        json: render(build()),
      });
    }
  });

  it('build the recording rules they read only from metrics the service exports', () => {
    const unknown = recording.flatMap((rule) =>
      namesIn(rule.expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${rule.record}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('name in every panel query a metric the service exports, or a recording rule over them', () => {
    const known = new Set([...exported, ...recording.map((rule) => rule.record), 'up']);
    for (const build of Object.values(DASHBOARDS)) {
      for (const { panel, expr } of queries(build())) {
        const names = namesIn(expr);
        expect({ panel, expr, named: names.length > 0 }).toEqual({ panel, expr, named: true });
        expect({ panel, unknown: names.filter((name) => !known.has(name)) }).toEqual({
          panel,
          unknown: [],
        });
      }
    }
  });

  withPromtool(
    `parse as PromQL (promtool check rules)${promtool ? '' : ` (${PROMTOOL_MISSING})`}`,
    () => {
      const all = Object.values(DASHBOARDS).flatMap((build) => queries(build()));
      // Grafana's variable, as Grafana expands "All".
      const rules = all.map(({ expr }, i) => ({
        record: `dashboard_query_${i}`,
        expr: expr.replace(/\$model/g, '.*'),
      }));
      const dir = mkdtempSync(join(tmpdir(), 'proofgate-dashboards-'));
      try {
        const file = join(dir, 'queries.rules.yml');
        writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
        const result = spawnSync(promtool ?? 'promtool', ['check', 'rules', file], {
          encoding: 'utf8',
        });
        expect({ status: result.status, output: result.stdout + result.stderr }).toEqual({
          status: 0,
          output: expect.stringContaining(`SUCCESS: ${rules.length} rules found`),
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('show the models side by side, by a variable filled from the series themselves', () => {
    for (const build of Object.values(DASHBOARDS)) {
      const dashboard = build();
      const variable = (
        dashboard.templating as { list: { name: string; query?: string }[] }
      ).list.find((v) => v.name === 'model');
      expect(variable?.query).toBe('label_values(proofgate_challenge_verifications_total, model)');
      // A panel that reads a model-labelled series never names a model: it groups by the label.
      for (const { panel, expr } of queries(dashboard)) {
        expect({ panel, namesAModel: /model="[^$]/.test(expr) }).toEqual({
          panel,
          namesAModel: false,
        });
      }
    }
  });
});
