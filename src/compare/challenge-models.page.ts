import { ENGLISH_ONLY, escapeHtml, renderPage } from '../platform/http/html';
import type {
  ChallengeModelsResponseDto,
  ChallengeModelViewDto,
  ModelVariantDto,
} from './challenge-models.dto';
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
  settingLines,
  text,
  type Cell as ComparisonCell,
} from './comparison-cells';
import { possessionSection } from './possession-models.page';
import { LOGIN_MODEL_PROOFS, POSSESSION_MODEL_PROOFS, PROOFS } from '../proof-registry';

export const CHALLENGE_MODELS_SCRIPT = '/static/challenge-models.js';
export const SERIES_MINUTES = 60;
/** How often the page asks for fresh figures. */
export const POLL_MS = 5000;

/** A column of the comparison: a login model, or a variant of one beside it. */
type Column = ChallengeModelViewDto | ModelVariantDto;
type Cell = ComparisonCell<Column>;
type ModelCell = ComparisonCell<ChallengeModelViewDto>;

const isVariant = (column: Column): column is ModelVariantDto => 'variant_of' in column;

/** A variant's cell of what it takes unchanged from its model. */
const asItsModel = (variant: ModelVariantDto) =>
  `<span class="muted">as ${escapeHtml(PROOFS[variant.variant_of].label)}</span>`;

/** A row of the model's own policy: a variant has its model's. */
const modelOnly =
  (cell: ModelCell): Cell =>
  (column) =>
    isVariant(column) ? asItsModel(column) : cell(column);

/** Each kind of client, then what it uses (with the live settings) and its standards. */
const uses: Cell = (column) =>
  `<ul class="used-by">${column.used_by
    .map(
      (use) =>
        `<li><strong>${escapeHtml(use.clients)}</strong>: ${escapeHtml(use.through.join('; '))} <span class="muted">(${escapeHtml(use.standards.join(', '))})</span></li>`,
    )
    .join('')}</ul>`;

/**
 * The protocol's rows: a variant's column shows the fields it changes, and says of the others
 * that they are its model's.
 */
const protocol: [string, Cell][] = protocolRows<Column>([
  'Bound to',
  modelOnly(codes((m) => m.policy.bound_to)),
]).map(([aspect, cell, field]) => [
  aspect,
  (column) =>
    isVariant(column) && field !== undefined && !column.differs_in.includes(field)
      ? asItsModel(column)
      : cell(column),
]);

/**
 * The `acr` and `amr` a column's sign-ins get: a variant's, or a login method's as its descriptor
 * declares them (a model that signs nobody in by itself, PKCE say, has none).
 */
const achieves: Cell = (column) => {
  const proof = isVariant(column) ? undefined : PROOFS[column.id];
  const claims = isVariant(column)
    ? column.achieves
    : proof && 'acr' in proof
      ? { acr: proof.acr.achieves, amr: proof.amr }
      : undefined;
  if (claims === undefined) return '<span class="muted">those of the sign-in behind it</span>';
  const amr = claims.amr.map((value) => `<code>${escapeHtml(value)}</code>`).join(', ');
  return `acr <code>${escapeHtml(claims.acr)}</code>, amr ${amr}`;
};

const threats = (column: Column) => (isVariant(column) ? column.threats : column.policy.threats);

/** The rows of the side-by-side table: protocol shape, then this deployment's policy. */
const COMPARISON: [string, Cell][] = [
  ...protocol,
  ['Used by', uses],
  [
    'Lifetime',
    (column) =>
      isVariant(column)
        ? `<span class="muted">${escapeHtml(column.shares)}</span>`
        : escapeHtml(`${column.policy.lifetime_seconds} s`),
  ],
  [
    'Single use',
    modelOnly(
      text(
        (m) =>
          `deleted on use from ${m.policy.storage.collection} (keyed by ${m.policy.storage.key}); expiry checked in the same atomic consume`,
      ),
    ),
  ],
  ['Sign-ins achieve', achieves],
  [
    'This deployment',
    (column) =>
      isVariant(column)
        ? settingLines((v: ModelVariantDto) => v.settings)(column)
        : '<span class="muted">its lifetime and settings above</span>',
  ],
  ['Stops', list((c: Column) => threats(c).stops)],
  ['Does not stop', list((c: Column) => threats(c).does_not_stop)],
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
    locale: ENGLISH_ONLY,
    wide: true,
    scripts: [CHALLENGE_MODELS_SCRIPT],
    body: `<h1>Challenge models side by side</h1>
<p class="muted">Every login model here is challenge-response: the server hands out a single-use challenge and later checks a proof tied to it; DPoP and PAR, below, constrain the tokens and the request they lead to. This is the same information as the JSON answer of <code>GET /challenge-models</code> (ask with <code>Accept: application/json</code>), read live from this deployment.</p>
<h2 id="protocols">Protocol and policy</h2>
${comparisonTable({
  className: 'compare',
  caption: 'The challenge-response login models, as specified and as this deployment runs them',
  models: view.models.flatMap((model): Column[] => [model, ...model.variants]),
  label: (column) => (isVariant(column) ? column.label : PROOFS[column.id].label),
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
