import { escapeHtml, renderPage } from '../platform/http/html';
import type { ChallengeModelsResponseDto, ChallengeModelViewDto } from './challenge-models.dto';
import {
  chartFrame,
  chartKeys,
  chartPalette,
  codes,
  comparisonTable,
  liveFiguresTable,
  type FigurePath,
  list,
  protocolRows,
  text,
  type Cell as ComparisonCell,
} from './comparison-cells';
import { possessionSection } from './possession-models.page';
import { LOGIN_MODEL_PROOFS, POSSESSION_MODEL_PROOFS, PROOFS } from '../proof-registry';

export const CHALLENGE_MODELS_SCRIPT = '/static/challenge-models.js';
export const SERIES_MINUTES = 60;
/** How often the page asks for fresh figures. */
export const POLL_MS = 5000;

type Cell = ComparisonCell<ChallengeModelViewDto>;

/** Each kind of client, then what it uses (with the live settings) and its standards. */
const uses: Cell = (model) =>
  `<ul class="used-by">${model.used_by
    .map(
      (use) =>
        `<li><strong>${escapeHtml(use.clients)}</strong>: ${escapeHtml(use.through.join('; '))} <span class="muted">(${escapeHtml(use.standards.join(', '))})</span></li>`,
    )
    .join('')}</ul>`;

/** The rows of the side-by-side table: protocol shape, then this deployment's policy. */
const COMPARISON: [string, Cell][] = [
  ...protocolRows<ChallengeModelViewDto>(['Bound to', codes((m) => m.policy.bound_to)]),
  ['Used by', uses],
  ['Lifetime', text((m) => `${m.policy.lifetime_seconds} s`)],
  [
    'Single use',
    text(
      (m) =>
        `deleted on use from ${m.policy.storage.collection} (keyed by ${m.policy.storage.key}); expiry checked in the same atomic consume`,
    ),
  ],
  ['Stops', list((m) => m.policy.threats.stops)],
  ['Does not stop', list((m) => m.policy.threats.does_not_stop)],
];

/** The live figures table, one row per figure: its name, its path under `figures.<window>`. */
const FIGURES: [string, FigurePath][] = [
  ['Issued', 'issued'],
  ['Redeemed', 'redeemed'],
  ['Expired unredeemed', 'expired_unredeemed'],
  ['Rejected', 'rejected.total'],
  ['Redemption latency p50 (ms, bucket bound)', 'redemption_latency_ms.p50'],
  ['Redemption latency p95 (ms, bucket bound)', 'redemption_latency_ms.p95'],
];

/** The live figures of every model, since start and over 5 minutes (also on the lab page). */
export function figuresTable(view: ChallengeModelsResponseDto): string {
  return liveFiguresTable({
    className: 'figures',
    caption: `Live figures, refreshed every ${POLL_MS / 1000} s`,
    models: view.models,
    column: (m, window) => `${m.id.toUpperCase()}, ${window}`,
    live: 'Live now (issued, not yet used or expired)',
    figures: FIGURES,
  });
}

/** A chart's frame, for the metric of GET /challenge-models/series it draws. */
function chart(metric: string, title: string): string {
  return chartFrame('chart', { metric }, title);
}

/** GET /challenge-models for a browser: the comparison table, the figures and live charts. */
export function renderChallengeModelsPage(view: ChallengeModelsResponseDto): string {
  return renderPage({
    title: 'Challenge models side by side',
    wide: true,
    scripts: [CHALLENGE_MODELS_SCRIPT],
    body: `<h1>Challenge models side by side</h1>
<p class="muted">Every login model here is challenge-response: the server hands out a single-use challenge and later checks a proof tied to it; DPoP and PAR, below, constrain the tokens and the request they lead to. This is the same information as the JSON answer of <code>GET /challenge-models</code> (ask with <code>Accept: application/json</code>), read live from this deployment.</p>
<h2 id="protocols">Protocol and policy</h2>
${comparisonTable({
  className: 'compare',
  caption: 'The challenge-response login models, as specified and as this deployment runs them',
  models: view.models,
  label: (m) => PROOFS[m.id].label,
  rows: COMPARISON,
})}
<section id="live" aria-labelledby="live-heading" data-series-url="/challenge-models/series?minutes=${SERIES_MINUTES}" data-poll-ms="${POLL_MS}" data-proofs="${chartPalette([...LOGIN_MODEL_PROOFS, ...POSSESSION_MODEL_PROOFS])}">
<h2 id="live-heading">Live figures</h2>
${figuresTable(view)}
<h2 id="charts-heading">The last hour, per minute</h2>
<p class="muted">Per-minute figures from <code>GET /challenge-models/series?minutes=${SERIES_MINUTES}</code>. ${chartKeys(LOGIN_MODEL_PROOFS)} <span id="updated" class="muted"></span></p>
<div class="charts">
${chart('issued', 'Challenges issued per minute')}
${chart('redeemed', 'Challenges redeemed per minute')}
${chart('expired', 'Challenges expired unredeemed per minute')}
${chart('rejected', 'Redemptions rejected per minute')}
${chart('latency', 'Redemption latency per minute, p50 (solid) and p95 (dashed), ms, log scale')}
</div>
</section>
${possessionSection(view)}`,
  });
}
