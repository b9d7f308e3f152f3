/**
 * deploy/prometheus: the recording rules and alerts pass `promtool check rules`, their unit tests
 * pass `promtool test rules`, and every alert is one an on-call engineer can act on: a severity
 * that says page or ticket, a summary, a runbook that exists, bounded labels, and unit tests in
 * which it fires and in which it must not.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../../support/readme';
import { PROMTOOL_MISSING, findPromtool } from '../../support/promtool';
import { probeMetrics } from '../../../tools/probe/probe';

const DIR = join(ROOT, 'deploy', 'prometheus');
const RULE_FILES = ['recording.rules.yml', 'alerts.rules.yml'];
const TEST_FILES = readdirSync(join(DIR, 'tests')).filter((name) => name.endsWith('.test.yml'));

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTest {
  alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
}

const rulesOf = (file: string): Rule[] =>
  (parse(readFileSync(join(DIR, file), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap(
    (group) => group.rules,
  );
const alerts = rulesOf('alerts.rules.yml').filter((rule) => rule.alert !== undefined);
const alertTests = TEST_FILES.flatMap(
  (file) => (parse(readFileSync(join(DIR, 'tests', file), 'utf8')) as { tests: RuleTest[] }).tests,
).flatMap((test) => test.alert_rule_test ?? []);

/** Labels an alert may carry: each a bounded set (never a user, address, code or token). */
const BOUNDED_LABELS = new Set(['severity', 'model', 'client', 'rule', 'instance', 'job', 'flow']);

const promtool = findPromtool();
if (!promtool) console.warn(`deploy/prometheus rule checks and unit tests ${PROMTOOL_MISSING}`);
const withPromtool = promtool ? it : it.skip;
const skippedNote = promtool ? '' : ` (${PROMTOOL_MISSING})`;

function run(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(promtool ?? 'promtool', args, { cwd: DIR, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deploy/prometheus rules', () => {
  withPromtool(`pass promtool check rules${skippedNote}`, () => {
    const result = run(['check', 'rules', ...RULE_FILES]);
    expect(result).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  withPromtool(`load from prometheus.yml (promtool check config)${skippedNote}`, () => {
    const result = run(['check', 'config', 'prometheus.yml']);
    expect(result).toEqual({
      status: 0,
      output: expect.stringContaining('is valid prometheus config'),
    });
  });

  withPromtool(
    `pass their unit tests (promtool test rules deploy/prometheus/tests/*.test.yml)${skippedNote}`,
    () => {
      const result = run(['test', 'rules', ...TEST_FILES.map((file) => join('tests', file))]);
      expect(result.output).not.toContain('FAILED');
      expect(result.status).toBe(0);
    },
    120_000,
  );

  it('give every alert a severity (page or ticket), a summary, a description and a runbook', () => {
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      const described = {
        alert: alert.alert,
        severity: alert.labels?.severity,
        summary: typeof alert.annotations?.summary,
        description: typeof alert.annotations?.description,
        runbook: alert.annotations?.runbook_url,
      };
      expect(described).toEqual({
        alert: alert.alert,
        severity: expect.stringMatching(/^(page|ticket)$/),
        summary: 'string',
        description: 'string',
        runbook: expect.stringMatching(/^docs\/runbooks\/[a-z0-9-]+\.md$/),
      });
    }
  });

  it('link every alert to a runbook that exists, and every runbook to an alert', () => {
    const linked = new Set(alerts.map((alert) => alert.annotations?.runbook_url));
    for (const url of linked)
      expect({ url, exists: existsSync(join(ROOT, url ?? '')) }).toEqual({ url, exists: true });
    const runbooks = readdirSync(join(ROOT, 'docs', 'runbooks')).map(
      (name) => `docs/runbooks/${name}`,
    );
    expect(runbooks.filter((path) => !linked.has(path))).toEqual([]);
  });

  it("are each listed in docs/OPERATIONS.md's alerts, with the runbook the rule links", () => {
    const operations = readFileSync(join(ROOT, 'docs', 'OPERATIONS.md'), 'utf8');
    const unlisted = alerts.filter((alert) => {
      const entry = operations.indexOf(`- \`${alert.alert}\``);
      const runbook = alert.annotations?.runbook_url?.replace(/^docs\//, '');
      return entry < 0 || !operations.slice(entry, entry + 600).includes(`(${runbook})`);
    });
    expect(unlisted.map((alert) => alert.alert)).toEqual([]);
  });

  it('keep alert labels bounded: only model, client, rule, instance, job or flow beside severity', () => {
    for (const alert of alerts) {
      const byLabels = [...alert.expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((match) =>
        match[1].split(',').map((label) => label.trim()),
      );
      const labels = [...Object.keys(alert.labels ?? {}), ...byLabels];
      expect({
        alert: alert.alert,
        unbounded: labels.filter((l) => !BOUNDED_LABELS.has(l)),
      }).toEqual({ alert: alert.alert, unbounded: [] });
    }
  });

  it('alert on the synthetic probe only through series the probe writes', async () => {
    const written = await probeMetrics(
      [
        {
          flow: 'pkce',
          ok: true,
          seconds: 1,
          steps: [{ flow: 'pkce', step: 'token', ok: true, ms: 1 }],
        },
      ],
      new Date(),
    );
    const probeNames = new Set([...written.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const used = alerts.flatMap((alert) =>
      [...alert.expr.matchAll(/proofgate_probe_[a-z_]+/g)].map((m) => m[0]),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((name) => !probeNames.has(name))).toEqual([]);
  });

  it('test every alert firing and not firing', () => {
    const names = [...new Set(alerts.map((alert) => alert.alert as string))];
    const coverage = names.map((name) => {
      const cases = alertTests.filter((test) => test.alertname === name);
      return {
        name,
        fires: cases.some((test) => (test.exp_alerts ?? []).length > 0),
        staysQuiet: cases.some((test) => (test.exp_alerts ?? []).length === 0),
      };
    });
    expect(coverage).toEqual(names.map((name) => ({ name, fires: true, staysQuiet: true })));
  });
});
