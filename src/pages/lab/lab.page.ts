import { escapeHtml, renderPage } from '../../platform/http/html';

/** The lab page; `csrfToken` goes with the POST that starts a run (read by /static/lab.js). */
export function renderLabPage(csrfToken: string): string {
  return renderPage({
    title: 'Attack lab',
    scripts: ['/static/lab.js'],
    body: `<h1>Attack lab</h1>
<p class="muted">Every attack on both challenge models, run by this instance against its own public API. Each row says what the specification requires and what Proofgate answered. The expiry rows wait for the challenge lifetime.</p>
<p><button type="button" id="run" data-csrf-token="${escapeHtml(csrfToken)}">Run the lab</button> <span id="status" class="muted" role="status"></span></p>
<table id="rows">
<thead><tr><th>Model</th><th>Scenario</th><th>The spec requires</th><th>Proofgate answered</th><th>Result</th></tr></thead>
<tbody></tbody>
</table>
<h2>Live figures</h2>
<p class="muted">As charts of the last hour, per minute: <a href="/challenge-models">the models side by side</a>.</p>
<div class="grid" id="figures"></div>`,
  });
}
