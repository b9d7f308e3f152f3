/**
 * Proofgate's Grafana dashboards (executive, on-call, debug), as code: `npm run dashboards`
 * writes them to deploy/grafana/dashboards/, where Grafana's provisioning loads them, and
 * test/e2e/operations/grafana-dashboards.e2e-spec.ts checks the files are this output and that
 * every query names a metric the service exports (or a recording rule of deploy/prometheus).
 *
 * Models side by side: every query groups `by (model)` and filters `model=~"$model"`, a variable
 * Grafana fills from the series themselves, so a model the service adds shows up on its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Target {
  expr: string;
  legendFormat: string;
  refId: string;
}

interface Panel {
  type: 'timeseries' | 'stat' | 'text';
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  [key: string]: unknown;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  [key: string]: unknown;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
const M = 'model=~"$model"';
const ERRORS = 'outcome=~"server_error|temporarily_unavailable"';

interface PanelSpec {
  title: string;
  description: string;
  queries: [expr: string, legend: string][];
  unit?: string;
  type?: 'timeseries' | 'stat';
  /** Full width instead of half. */
  wide?: boolean;
  /** Repeat the panel for each selected model (stats side by side). */
  perModel?: boolean;
  thresholds?: [value: number, color: string][];
  stacked?: boolean;
}

function layout(specs: PanelSpec[]): Panel[] {
  let x = 0;
  let y = 0;
  return specs.map((spec, index) => {
    const stat = spec.type === 'stat';
    const w = spec.wide ? 24 : stat ? 8 : 12;
    const h = stat ? 5 : 8;
    if (x + w > 24) {
      x = 0;
      y += h;
    }
    const gridPos = { x, y, w, h };
    x += w;
    if (x >= 24) {
      x = 0;
      y += h;
    }
    const steps = [
      { color: 'green', value: null },
      ...(spec.thresholds ?? []).map(([value, color]) => ({ color, value })),
    ];
    return {
      id: index + 1,
      type: spec.type ?? 'timeseries',
      title: spec.perModel ? `${spec.title}: $model` : spec.title,
      description: spec.description,
      datasource: DATASOURCE,
      gridPos,
      ...(spec.perModel ? { repeat: 'model', repeatDirection: 'h', maxPerRow: 4 } : {}),
      targets: spec.queries.map(([expr, legendFormat], i) => ({
        datasource: DATASOURCE,
        expr,
        legendFormat,
        refId: String.fromCharCode(65 + i),
      })),
      fieldConfig: {
        defaults: {
          unit: spec.unit ?? 'short',
          thresholds: { mode: 'absolute', steps },
          ...(stat
            ? {}
            : {
                custom: {
                  drawStyle: 'line',
                  fillOpacity: spec.stacked ? 40 : 10,
                  stacking: { mode: spec.stacked ? 'normal' : 'none' },
                },
              }),
        },
        overrides: [],
      },
      options: stat
        ? { reduceOptions: { calcs: ['lastNotNull'] }, colorMode: 'background' }
        : { legend: { displayMode: 'table', placement: 'right', calcs: ['lastNotNull', 'max'] } },
    };
  });
}

function dashboard(uid: string, title: string, description: string, specs: PanelSpec[]): Dashboard {
  return {
    uid,
    title,
    description,
    tags: ['proofgate'],
    editable: false,
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    refresh: '1m',
    templating: {
      list: [
        {
          name: 'datasource',
          type: 'datasource',
          query: 'prometheus',
          current: { text: 'Prometheus', value: 'prometheus' },
        },
        {
          name: 'model',
          label: 'Login model',
          type: 'query',
          datasource: DATASOURCE,
          // Every model the service exports a proof series for: new models appear by themselves.
          query: 'label_values(proofgate_challenge_verifications_total, model)',
          definition: 'label_values(proofgate_challenge_verifications_total, model)',
          refresh: 2,
          multi: true,
          includeAll: true,
          current: { text: 'All', value: '$__all' },
        },
      ],
    },
    links: [
      { title: 'Runbooks', type: 'link', url: 'docs/runbooks/', targetBlank: true },
      { title: 'Proofgate dashboards', type: 'dashboards', tags: ['proofgate'] },
    ],
    panels: layout(specs),
  };
}

const availability30d = `1 - (
  (sum by (model) (increase(proofgate_challenge_verifications_total{${M},${ERRORS}}[30d])) or sum by (model) (increase(proofgate_challenge_verifications_total{${M}}[30d])) * 0)
  / sum by (model) (increase(proofgate_challenge_verifications_total{${M}}[30d])))`;

export function executive(): Dashboard {
  return dashboard(
    'proofgate-executive',
    'Proofgate: executive',
    'Is login working for users, model by model, and how secure is it? (guide: executive dashboard)',
    [
      {
        title: 'Availability, 30 days (SLO 99.9 %)',
        description: 'Proofs answered without a server error over 30 days, per login model.',
        type: 'stat',
        perModel: true,
        unit: 'percentunit',
        queries: [[availability30d, '{{model}}']],
        thresholds: [],
      },
      {
        title: 'Error budget left, 30 days',
        description: 'Share of the 0.1 % availability budget not yet spent this month.',
        type: 'stat',
        perModel: true,
        unit: 'percentunit',
        queries: [[`1 - (1 - (${availability30d})) / 0.001`, '{{model}}']],
      },
      {
        title: 'Proofs within 200 ms, 30 days (SLO 95 %)',
        description: 'Share of proofs answered within the latency target.',
        type: 'stat',
        perModel: true,
        unit: 'percentunit',
        queries: [
          [
            `sum by (model) (increase(proofgate_challenge_verification_duration_seconds_bucket{${M},le="0.2"}[30d])) / sum by (model) (increase(proofgate_challenge_verification_duration_seconds_count{${M}}[30d]))`,
            '{{model}}',
          ],
        ],
      },
      {
        title: 'Successful logins per minute, by model',
        description: 'Proofs that ended in tokens or a session: the business volume of each model.',
        queries: [
          [
            `sum by (model) (rate(proofgate_challenge_verifications_total{${M},outcome="success"}[5m])) * 60`,
            '{{model}}',
          ],
        ],
      },
      {
        title: 'Login success rate, by model (M2)',
        description: 'Successful proofs of all proofs, client mistakes included.',
        unit: 'percentunit',
        queries: [[`proofgate:sli_verification_success:ratio_rate5m{${M}}`, '{{model}}']],
      },
      {
        title: 'Validation failures, by model (M3)',
        description:
          'Challenges refused (wrong verifier, replay, expired, bad signature) per hour.',
        queries: [
          [
            `sum by (model) (rate(proofgate_challenges_rejected_total{${M}}[1h])) * 3600`,
            '{{model}}',
          ],
        ],
      },
      {
        title: 'Security events, 30 days',
        description: 'Attacks stopped: replays of codes or nonces, refresh-token families revoked.',
        type: 'stat',
        queries: [
          [
            `sum by (model) (increase(proofgate_challenges_rejected_total{${M},reason="replay"}[30d]))`,
            'replays {{model}}',
          ],
          [
            'sum(increase(proofgate_grants_revoked_total{reason="refresh_token_reuse"}[30d]))',
            'refresh families revoked',
          ],
        ],
        wide: true,
      },
    ],
  );
}

export function onCall(): Dashboard {
  return dashboard(
    'proofgate-on-call',
    'Proofgate: on-call',
    'What is failing now, for which model or client, and where to look next (guide: on-call dashboard). Runbooks: docs/runbooks/. Trace ids are in the request log lines (trace_id) when tracing is on.',
    [
      {
        title: 'Server errors of proofs, by model (SLO: under 0.1 %)',
        description: 'The availability SLI over 5 minutes and 1 hour.',
        unit: 'percentunit',
        queries: [
          [`proofgate:challenge_verification_errors:ratio_rate5m{${M}}`, '{{model}} 5m'],
          [`proofgate:challenge_verification_errors:ratio_rate1h{${M}}`, '{{model}} 1h'],
        ],
        thresholds: [[0.001, 'red']],
      },
      {
        title: 'Error budget burn rate, by model',
        description:
          'How many times faster than the SLO allows the budget burns: 14.4 (1 h) and 6 (6 h) page.',
        queries: [
          [`proofgate:challenge_verification_errors:ratio_rate1h{${M}} / 0.001`, '{{model}} 1h'],
          [`proofgate:challenge_verification_errors:ratio_rate6h{${M}} / 0.001`, '{{model}} 6h'],
        ],
        thresholds: [
          [6, 'orange'],
          [14.4, 'red'],
        ],
      },
      {
        title: 'Proof latency p50 / p95 / p99, by model (target p95 < 200 ms)',
        description: 'Time to answer the proof (code exchange, signature check).',
        unit: 's',
        queries: [
          [`proofgate:sli_verification_latency_seconds:p50_5m{${M}}`, '{{model}} p50'],
          [`proofgate:sli_verification_latency_seconds:p95_5m{${M}}`, '{{model}} p95'],
          [`proofgate:sli_verification_latency_seconds:p99_5m{${M}}`, '{{model}} p99'],
        ],
        thresholds: [[0.2, 'red']],
      },
      {
        title: 'Proof outcomes, by model',
        description: 'Answers per second by outcome: success or the error code.',
        stacked: true,
        queries: [[`proofgate:challenge_verifications:rate5m{${M}}`, '{{model}} {{outcome}}']],
      },
      {
        title: 'PKCE failures, by client and reason',
        description:
          'Wrong, missing or malformed code_verifier per client (configured ids; "registered" for self-registered clients).',
        queries: [['proofgate:pkce_failures:rate5m', '{{client}} {{reason}}']],
      },
      {
        title: 'Redirect errors (M8) and authorization errors by code',
        description: 'Authorization requests that ended in an error redirect or an error page.',
        queries: [
          ['proofgate:sli_redirect_errors:ratio_rate5m', 'redirect error ratio'],
          ['proofgate:authorization_errors:rate5m', '{{outcome}} {{error}}'],
        ],
      },
      {
        title: 'Replays, by model (M5)',
        description: 'Codes or nonces presented again after redemption, per minute.',
        queries: [
          [
            `sum by (model) (rate(proofgate_challenges_rejected_total{${M},reason="replay"}[5m])) * 60`,
            '{{model}}',
          ],
        ],
      },
      {
        title: 'Rate-limit refusals, by rule',
        description: '429 answers per second under each rule.',
        queries: [['proofgate:rate_limited:rate5m', '{{rule}}']],
        thresholds: [[1, 'red']],
      },
      {
        title: 'Database reachable, by instance',
        description: "1 while the driver's heartbeat succeeds.",
        queries: [['proofgate_database_up', '{{instance}}']],
      },
      {
        title: 'Instances scraped',
        description: 'Prometheus reaches /metrics of each instance.',
        queries: [['up{job="proofgate"}', '{{instance}}']],
      },
    ],
  );
}

export function debug(): Dashboard {
  return dashboard(
    'proofgate-debug',
    'Proofgate: debug',
    'Deep dive: latency distributions, the challenge funnel, reasons, methods, the process (guide: debug dashboard).',
    [
      {
        title: 'Proof latency buckets, by model',
        description: 'Proofs per second by latency bucket (le).',
        stacked: true,
        queries: [
          [
            `sum by (model, le) (rate(proofgate_challenge_verification_duration_seconds_bucket{${M}}[5m]))`,
            '{{model}} le={{le}}',
          ],
        ],
      },
      {
        title: 'Token endpoint latency p95, by grant type',
        description: 'POST /token, every grant.',
        unit: 's',
        queries: [
          [
            'histogram_quantile(0.95, sum by (grant_type, le) (rate(proofgate_token_request_duration_seconds_bucket[5m])))',
            '{{grant_type}}',
          ],
        ],
      },
      {
        title: 'Challenge funnel, by model',
        description: 'Challenges issued, redeemed and rejected per second.',
        queries: [
          [`proofgate:challenges_issued:rate5m{${M}}`, '{{model}} issued'],
          [`proofgate:challenges_redeemed:rate5m{${M}}`, '{{model}} redeemed'],
          [`sum by (model) (proofgate:challenge_rejections:rate5m{${M}})`, '{{model}} rejected'],
        ],
      },
      {
        title: 'Rejections, by model and reason',
        description:
          'The closed vocabulary of each protocol (wrong_verifier, replay, expired_nonce, ...).',
        stacked: true,
        queries: [[`proofgate:challenge_rejections:rate5m{${M}}`, '{{model}} {{reason}}']],
      },
      {
        title: 'Time from challenge to redemption p50 / p95, by model',
        description: 'User time: from the code or nonce being issued to its redemption.',
        unit: 's',
        queries: [
          [
            `histogram_quantile(0.5, sum by (model, le) (rate(proofgate_challenge_redemption_latency_seconds_bucket{${M}}[15m])))`,
            '{{model}} p50',
          ],
          [
            `histogram_quantile(0.95, sum by (model, le) (rate(proofgate_challenge_redemption_latency_seconds_bucket{${M}}[15m])))`,
            '{{model}} p95',
          ],
        ],
      },
      {
        title: 'code_challenge_method requested (M6)',
        description: 'S256, plain (refused), none, other; and the S256 share.',
        queries: [
          ['sum by (method) (rate(proofgate_code_challenge_methods_total[5m]))', '{{method}}'],
          ['proofgate:sli_s256_compliance:ratio_rate5m', 'S256 share'],
        ],
      },
      {
        title: 'Codes with neither PKCE nor nonce, by client',
        description:
          'require_pkce false clients whose requests protect their code by nothing the server sees (OPERATIONS.md).',
        queries: [
          [
            'sum by (client) (increase(proofgate_codes_without_pkce_or_nonce_total[1h]))',
            '{{client}}',
          ],
        ],
      },
      {
        title: 'Authorization requests by outcome (M1)',
        description: 'code_issued, login_required, consent_required, error_redirect, error_page.',
        stacked: true,
        queries: [
          ['sum by (outcome) (rate(proofgate_authorization_requests_total[5m]))', '{{outcome}}'],
          ['proofgate:sli_authorization_success:ratio_rate5m', 'success ratio'],
        ],
      },
      {
        title: 'Grants opened and revoked',
        description: 'Opened by login method; revoked by reason (replay, reuse, client, admin).',
        queries: [
          [
            'sum by (auth_method) (rate(proofgate_grants_opened_total[5m]))',
            'opened {{auth_method}}',
          ],
          ['proofgate:grants_revoked:rate5m', 'revoked {{reason}}'],
        ],
      },
      {
        title: 'Process: CPU and event loop lag p99',
        description: 'Per instance.',
        queries: [
          ['rate(proofgate_process_cpu_seconds_total[5m])', 'cpu {{instance}}'],
          ['proofgate_nodejs_eventloop_lag_p99_seconds', 'event loop p99 {{instance}}'],
        ],
      },
      {
        title: 'Signing key age',
        description: 'Days since the active signing key was created (rotation alert at 90).',
        unit: 'd',
        queries: [['proofgate:signing_key_age_seconds / 86400', 'age']],
        thresholds: [[90, 'red']],
      },
    ],
  );
}

export const DASHBOARDS: Record<string, () => Dashboard> = {
  'executive.json': executive,
  'on-call.json': onCall,
  'debug.json': debug,
};

export const DASHBOARD_DIR = join(__dirname, '..', '..', 'deploy', 'grafana', 'dashboards');

export function render(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}

if (require.main === module) {
  for (const [file, build] of Object.entries(DASHBOARDS)) {
    writeFileSync(join(DASHBOARD_DIR, file), render(build()));
    process.stdout.write(`wrote deploy/grafana/dashboards/${file}\n`);
  }
}
