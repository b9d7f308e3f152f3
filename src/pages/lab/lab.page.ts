import { escapeHtml, renderPage } from '../../platform/http/html';

/**
 * The lab page; `csrfToken` goes with the POST that starts a run (read by /static/lab.js). In
 * production a run also needs the operator's ADMIN_TOKEN: the page asks for it, and lab.js sends
 * it as a Bearer token with that POST only (it is never stored or put in the page).
 */
export function renderLabPage(
  csrfToken: string,
  { adminTokenRequired }: { adminTokenRequired: boolean },
): string {
  const adminToken = adminTokenRequired
    ? `<p id="admin-token-note">This instance runs in production: a run needs its <code>ADMIN_TOKEN</code>, sent as <code>Authorization: Bearer</code> with the run.</p>
<p><label for="admin-token">Admin token</label> <input type="password" id="admin-token" autocomplete="off" spellcheck="false"></p>
`
    : '';
  return renderPage({
    title: 'Attack lab',
    scripts: ['/static/lab.js'],
    body: `<h1>Attack lab</h1>
<p class="muted">Every attack on both challenge models, run by this instance against its own public API. Each row says what the specification requires and what Proofgate answered. The expiry rows wait for the challenge lifetime.</p>
${adminToken}<p><button type="button" id="run" data-csrf-token="${escapeHtml(csrfToken)}">Run the lab</button> <span id="status" class="muted" role="status"></span></p>
<table id="rows">
<thead><tr><th>Model</th><th>Scenario</th><th>The spec requires</th><th>Proofgate answered</th><th>Result</th></tr></thead>
<tbody></tbody>
</table>
<h2>Live figures</h2>
<p class="muted">As charts of the last hour, per minute: <a href="/challenge-models">the models side by side</a>.</p>
<div class="grid" id="figures"></div>`,
  });
}
