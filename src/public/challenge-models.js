'use strict';
// GET /challenge-models in a browser: draws the per-minute charts as plain SVG (no library, no
// network beyond this origin) and refreshes them and the figures table every few seconds.
(function () {
  const live = document.getElementById('live');
  if (!live) return;
  const SVG = 'http://www.w3.org/2000/svg';
  const POLL_MS = Number(live.dataset.pollMs) || 5000;
  const SERIES_URL = live.dataset.seriesUrl;
  // Each model's short label and colour, from its descriptor (the server writes data-proofs).
  const PROOFS = JSON.parse(live.dataset.proofs || '{}');
  const labelOf = (id) => (PROOFS[id] ? PROOFS[id].label : id);
  const WIDTH = 560;
  const HEIGHT = 190;
  const PAD = { left: 52, right: 12, top: 12, bottom: 28 };
  const COUNTS = {
    issued: 'issued',
    redeemed: 'redeemed',
    expired: 'expired unredeemed',
    rejected: 'rejected',
  };

  function node(name, attributes, text) {
    const element = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
    if (text !== undefined) element.textContent = text;
    return element;
  }

  /** A round upper bound for a count axis: 1, 2, 5, 10, 20, 50, ... */
  function niceMax(value) {
    if (value <= 1) return 1;
    const magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) if (step * magnitude >= value) return step * magnitude;
    return 10 * magnitude;
  }

  /**
   * Draws one chart: `lines` are { model, values (number or null per minute), dashed }; a null
   * breaks the line. `scale` maps a value to 0..1 of the plot height.
   */
  function draw(figure, minutes, lines, scale, ticks, summary) {
    const plotWidth = WIDTH - PAD.left - PAD.right;
    const plotHeight = HEIGHT - PAD.top - PAD.bottom;
    const x = (i) => PAD.left + (minutes > 1 ? (i / (minutes - 1)) * plotWidth : plotWidth);
    const y = (v) => PAD.top + plotHeight * (1 - scale(v));
    const svg = node('svg', {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-label': summary,
      class: 'chart-svg',
    });
    svg.appendChild(node('title', {}, summary));
    for (const tick of ticks) {
      svg.appendChild(
        node('line', {
          x1: PAD.left,
          x2: WIDTH - PAD.right,
          y1: y(tick),
          y2: y(tick),
          class: 'grid',
        }),
      );
      svg.appendChild(
        node(
          'text',
          { x: PAD.left - 6, y: y(tick) + 4, class: 'tick', 'text-anchor': 'end' },
          tick,
        ),
      );
    }
    const bottom = HEIGHT - PAD.bottom + 16;
    svg.appendChild(node('text', { x: x(0), y: bottom, class: 'tick' }, `−${minutes} min`));
    svg.appendChild(
      node('text', { x: x(minutes - 1), y: bottom, class: 'tick', 'text-anchor': 'end' }, 'now'),
    );
    for (const line of lines) {
      let d = '';
      let pen = false;
      line.values.forEach((value, i) => {
        if (value === null) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(value).toFixed(1)}`;
        pen = true;
      });
      const classes = `line line-${line.model}${line.dashed ? ' dashed' : ''}`;
      // A presentation attribute, not a style: the strict CSP allows it.
      const colour = PROOFS[line.model] ? PROOFS[line.model].colour : 'currentColor';
      if (d) svg.appendChild(node('path', { d, class: classes, stroke: colour }));
      // Lone minutes (no neighbour to join) still show, as dots.
      line.values.forEach((value, i) => {
        const alone =
          value !== null &&
          (line.values[i - 1] ?? null) === null &&
          (line.values[i + 1] ?? null) === null;
        if (alone)
          svg.appendChild(
            node('circle', { cx: x(i), cy: y(value), r: 2.5, class: classes, fill: colour }),
          );
      });
    }
    figure.querySelector('.plot').replaceChildren(svg);
    figure.querySelector('.chart-summary').textContent = summary;
  }

  function drawCounts(figure, series, metric) {
    const minutes = series.minutes;
    const lines = series.models.map((m) => ({
      model: m.id,
      values: m.points.map((p) => p[metric]),
    }));
    const max = niceMax(Math.max(0, ...lines.flatMap((l) => l.values)));
    const parts = series.models.map((m) => {
      const values = m.points.map((p) => p[metric]);
      const total = values.reduce((a, b) => a + b, 0);
      figure.dataset[`${m.id}Total`] = String(total);
      const last = values[values.length - 1];
      return `${labelOf(m.id)}: ${total} ${COUNTS[metric]} in the last ${minutes} minutes (most in one minute ${Math.max(...values)}, this minute ${last})`;
    });
    draw(
      figure,
      minutes,
      lines,
      (v) => v / max,
      max % 2 === 0 ? [0, max / 2, max] : [0, max],
      `${parts.join('. ')}.`,
    );
  }

  function drawLatency(figure, series) {
    const minutes = series.minutes;
    const lines = series.models.flatMap((m) => [
      { model: m.id, values: m.points.map((p) => p.redemption_latency_ms.p50) },
      { model: m.id, values: m.points.map((p) => p.redemption_latency_ms.p95), dashed: true },
    ]);
    const seen = lines.flatMap((l) => l.values).filter((v) => v !== null);
    const top = Math.max(1000, ...seen);
    const low = Math.log10(10);
    const high = Math.log10(top);
    const scale = (v) => (Math.log10(Math.max(10, v)) - low) / (high - low);
    const ticks = [10, 100, 1000, 10000, 100000, 1000000, 3600000].filter((t) => t <= top);
    const parts = series.models.map((m) => {
      const redeemed = m.points.reduce((a, p) => a + p.redeemed, 0);
      const latest = [...m.points].reverse().find((p) => p.redemption_latency_ms.p50 !== null);
      figure.dataset[`${m.id}Redeemed`] = String(redeemed);
      return latest
        ? `${labelOf(m.id)}: latest minute with redemptions p50 ≤ ${latest.redemption_latency_ms.p50} ms, p95 ≤ ${latest.redemption_latency_ms.p95} ms`
        : `${labelOf(m.id)}: no redemptions in the last ${minutes} minutes`;
    });
    draw(figure, minutes, lines, scale, ticks, `${parts.join('. ')}.`);
  }

  function render(series) {
    for (const figure of live.querySelectorAll('figure.chart')) {
      const metric = figure.dataset.metric;
      if (metric === 'latency') drawLatency(figure, series);
      else drawCounts(figure, series, metric);
    }
    for (const figure of document.querySelectorAll('figure.possession-chart')) {
      drawPossession(figure, series);
    }
  }

  const POSSESSION_COUNTS = {
    'dpop:issued': 'proofs accepted',
    'dpop:rejected': 'proofs refused',
    'par:issued': 'request_uris pushed',
    'par:redeemed': 'request_uris used',
    'par:rejected': 'request_uris refused',
  };

  /** A DPoP/PAR chart: its `data-lines` name `model:metric[:dashed]` of `proof_of_possession`. */
  function drawPossession(figure, series) {
    const byId = Object.fromEntries((series.proof_of_possession || []).map((m) => [m.id, m]));
    const lines = [];
    const parts = [];
    for (const spec of (figure.dataset.lines || '').split(',')) {
      const [model, metric, style] = spec.split(':');
      const points = byId[model] ? byId[model].points : [];
      const values = points.map((p) => p[metric]);
      const total = values.reduce((a, b) => a + b, 0);
      figure.dataset[`${model}${metric[0].toUpperCase()}${metric.slice(1)}Total`] = String(total);
      lines.push({ model, values, dashed: style === 'dashed' });
      const what = POSSESSION_COUNTS[`${model}:${metric}`] || `${labelOf(model)} ${metric}`;
      parts.push(`${labelOf(model)}: ${total} ${what} in the last ${series.minutes} minutes`);
    }
    const max = niceMax(Math.max(0, ...lines.flatMap((l) => l.values)));
    draw(
      figure,
      series.minutes,
      lines,
      (v) => v / max,
      max % 2 === 0 ? [0, max / 2, max] : [0, max],
      `${parts.join('. ')}.`,
    );
  }

  const updated = document.getElementById('updated');

  async function refresh() {
    try {
      const accept = { headers: { accept: 'application/json' } };
      const [series, view] = await Promise.all([
        fetch(SERIES_URL, accept).then((r) => (r.ok ? r.json() : Promise.reject(r.status))),
        fetch('/challenge-models', accept).then((r) =>
          r.ok ? r.json() : Promise.reject(r.status),
        ),
      ]);
      render(series);
      window.Proofgate.fillFigures(document, view);
      updated.textContent = `Updated ${new Date(series.generated_at).toLocaleTimeString()}.`;
      updated.dataset.at = series.generated_at;
    } catch {
      updated.textContent = 'Could not refresh the figures; retrying.';
    }
    setTimeout(() => void refresh(), POLL_MS);
  }

  void refresh();
})();
