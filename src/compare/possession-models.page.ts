import {
  chartFrame,
  chartKeys,
  codes,
  comparisonTable,
  liveFiguresTable,
  list,
  protocolRows,
  settingLines,
  text,
  type Row,
} from './comparison-cells';
import { POSSESSION_MODEL_PROOFS, PROOFS } from '../proof-registry';
import type { ChallengeModelsResponseDto, PossessionModelViewDto } from './challenge-models.dto';

/**
 * The proofs of possession on GET /challenge-models (HTML): DPoP (RFC 9449) and PAR (RFC 9126)
 * side by side, apart from the login models, since they log nobody in: they keep the tokens and
 * the authorization request of a login to whoever started it. Every text comes from the JSON
 * view (`proof_of_possession`) and is escaped; cells that /static/challenge-models.js refreshes
 * name their model and JSON path, as the login models' figures do.
 */

const COMPARISON: Row<PossessionModelViewDto>[] = [
  ...protocolRows<PossessionModelViewDto>(['Binds', codes((m) => m.protocol.bound_to)]),
  [
    'In the challenge store',
    text(
      (m) =>
        `kind ${m.store.challenge_kind} in ${m.store.storage.collection}, keyed by the ${m.store.storage.key}, ${m.store.lifetime_seconds} s`,
    ),
  ],
  ['Database cost per request', text((m) => m.store.cost_per_request)],
  ['This deployment', settingLines((m) => m.store.settings)],
  ['Stops', list((m) => m.threats.stops)],
  ['Does not stop', list((m) => m.threats.does_not_stop)],
];

function figuresTable(model: PossessionModelViewDto): string {
  return liveFiguresTable({
    className: 'figures possession-figures',
    id: `figures-${model.id}`,
    caption: PROOFS[model.id].label,
    models: [model],
    column: (_model, window) => window,
    // What `live` counts and each figure's name for this mechanism, from its descriptor.
    live: PROOFS[model.id].comparison.live,
    figures: PROOFS[model.id].comparison.figures,
  });
}

/**
 * A per-minute chart of the mechanisms; `lines` are `model:metric[:dashed]` of
 * `GET /challenge-models/series` `proof_of_possession`.
 */
function chart(name: string, title: string, lines: string): string {
  return chartFrame('possession-chart', { chart: name, lines }, title);
}

/** The live figures of DPoP and PAR, one table each (also on the lab page). */
export function possessionFigures(view: ChallengeModelsResponseDto): string {
  return `<div class="possession-tables">
${view.proof_of_possession.map(figuresTable).join('\n')}
</div>`;
}

/** The section of GET /challenge-models (HTML) on DPoP and PAR. */
export function possessionSection(view: ChallengeModelsResponseDto): string {
  return `<section id="proof-of-possession" aria-labelledby="possession-heading">
<h2 id="possession-heading">Proofs of possession: DPoP and PAR</h2>
<p class="muted">Neither logs anyone in: they keep what a login yields to whoever started it. DPoP binds the tokens to a key the client holds, so a stolen token is useless without a fresh proof; PAR moves the authorization request to the back channel, so it cannot be tampered with or leak through the browser. Both keep single-use state in the same challenge store as the login models: every DPoP proof's <code>jti</code>, every pushed <code>request_uri</code>. From <code>proof_of_possession</code> in the JSON answer.</p>
${comparisonTable({
  className: 'possession',
  caption: 'The proofs of possession, as specified and as this deployment runs them',
  models: view.proof_of_possession,
  label: (m) => PROOFS[m.id].label,
  rows: COMPARISON,
})}
<h3 id="possession-figures-heading">Live figures</h3>
${possessionFigures(view)}
<h3 id="possession-charts-heading">The last hour, per minute</h3>
<p class="muted">From <code>proof_of_possession</code> of <code>GET /challenge-models/series</code>. ${chartKeys(POSSESSION_MODEL_PROOFS)}</p>
<div class="charts">
${chart('accepted', 'Per minute: DPoP proofs accepted, PAR request_uris pushed (dashed) and used', 'dpop:issued,par:issued:dashed,par:redeemed')}
${chart('refused', 'Per minute: DPoP proofs and PAR request_uris refused', 'dpop:rejected,par:rejected')}
</div>
</section>`;
}
