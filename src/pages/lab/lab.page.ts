import { figuresTable } from '../../compare/challenge-models.page';
import type { ChallengeModelsResponseDto } from '../../compare/challenge-models.dto';
import { possessionFigures } from '../../compare/possession-models.page';
import { ENGLISH_ONLY, escapeHtml, renderPage, type PageSession } from '../../platform/http/html';

/**
 * The lab page; `csrfToken` goes with the POST that starts a run (read by /static/lab.js). In
 * production a run also needs the operator's ADMIN_TOKEN: the page asks for it, and lab.js sends
 * it as a Bearer token with that POST only (it is never stored or put in the page).
 */
export function renderLabPage(
  csrfToken: string,
  {
    adminTokenRequired,
    waitSeconds,
    figures,
    session,
  }: {
    adminTokenRequired: boolean;
    waitSeconds: number;
    figures: ChallengeModelsResponseDto;
    session: PageSession | null;
  },
): string {
  const adminToken = adminTokenRequired
    ? `<p id="admin-token-note">This instance runs in production: a run needs its <code>ADMIN_TOKEN</code>, sent as <code>Authorization: Bearer</code> with the run.</p>
<p><label for="admin-token">Admin token</label> <input type="password" id="admin-token" autocomplete="off" spellcheck="false"></p>
`
    : '';
  return renderPage({
    title: 'Attack lab',
    locale: ENGLISH_ONLY,
    session,
    scripts: ['/static/lab.js'],
    body: `<h1>Attack lab</h1>
<p class="muted">Every attack on the challenge models, run by this instance against its own public API. Each row says what the specification requires and what Proofgate answered.</p>
${adminToken}<p><button type="button" id="run" data-csrf-token="${escapeHtml(csrfToken)}">Run the lab</button> <span id="duration" class="muted">${escapeHtml(duration(waitSeconds))}</span> <span id="status" class="muted" role="status"></span></p>
<table id="rows">
<thead><tr><th>Model</th><th>Scenario</th><th>The spec requires</th><th>Proofgate answered</th><th>Result</th></tr></thead>
<tbody></tbody>
</table>
<section id="live" aria-labelledby="live-heading">
<h2 id="live-heading">Live figures</h2>
<p class="muted">The figures of <code>GET /challenge-models</code>; as charts of the last hour, per minute: <a href="/challenge-models">the models side by side</a>.</p>
${figuresTable(figures)}
<h3 id="possession-figures-heading">DPoP and PAR</h3>
${possessionFigures(figures)}
</section>`,
  });
}

/** How long a run takes: the expiry rows wait out the longest lifetime or login window. */
function duration(waitSeconds: number): string {
  const minutes = Math.round(waitSeconds / 60);
  const span =
    minutes >= 1
      ? `about ${minutes} minute${minutes === 1 ? '' : 's'}`
      : `about ${waitSeconds} seconds`;
  return `A run takes ${span}: its expiry rows wait until a code, a nonce and a request_uri have expired, and a login is no longer recent.`;
}
