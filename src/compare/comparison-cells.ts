import { escapeHtml } from '../platform/http/html';
import type { ProtocolShapeDto, WindowFiguresDto } from './challenge-models.dto';

/** A cell of a comparison table: one model's value, as escaped HTML. */
export type Cell<M> = (model: M) => string;

export const text =
  <M>(pick: (model: M) => string): Cell<M> =>
  (model) =>
    escapeHtml(pick(model));
export const list =
  <M>(pick: (model: M) => string[]): Cell<M> =>
  (model) =>
    `<ul>${pick(model)
      .map((item) => `<li>${escapeHtml(item)}</li>`)
      .join('')}</ul>`;
export const codes =
  <M>(pick: (model: M) => string[]): Cell<M> =>
  (model) =>
    pick(model)
      .map((item) => `<code>${escapeHtml(item)}</code>`)
      .join(', ');

type Row<M> = [aspect: string, cell: Cell<M>];

/**
 * The rows every comparison opens with, from the protocol's shape as its specs define it;
 * `binding` is the row of what the challenge is bound to (the spec's, or this deployment's).
 */
export function protocolRows<M extends { protocol: ProtocolShapeDto }>(binding: Row<M>): Row<M>[] {
  return [
    ['Protocol', text((m) => m.protocol.name)],
    ['Standards', text((m) => m.protocol.standard.join(', '))],
    ['The client generates', text((m) => m.protocol.client_generates)],
    ['Sent up front', text((m) => m.protocol.sent_up_front)],
    ['The server stores', text((m) => m.protocol.server_stores)],
    binding,
    ['The client proves later', text((m) => m.protocol.client_proves_later)],
    ['The server verifies', text((m) => m.protocol.server_verifies)],
    ['Cryptography', text((m) => m.protocol.cryptography)],
    ['Endpoints', codes((m) => m.protocol.endpoints)],
  ];
}

/** A side-by-side table: a column per model (headed by `label`), a row per aspect. */
export function comparisonTable<M>(table: {
  className: string;
  caption: string;
  models: M[];
  label: (model: M) => string;
  rows: Row<M>[];
}): string {
  const head = table.models.map((m) => `<th scope="col">${escapeHtml(table.label(m))}</th>`);
  const rows = table.rows.map(
    ([aspect, cell]) =>
      `<tr><th scope="row">${escapeHtml(aspect)}</th>${table.models.map((m) => `<td>${cell(m)}</td>`).join('')}</tr>`,
  );
  return `<table class="${table.className}">
<caption>${escapeHtml(table.caption)}</caption>
<thead><tr><th scope="col">Aspect</th>${head.join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/**
 * The figures of one window (`figures.<window>` of GET /challenge-models), by JSON path: a table
 * cell names its path, so /static/proofgate.js refreshes it from the same answer, and the page
 * first shows what the path reads here.
 */
const WINDOW_FIGURES = {
  issued: (f) => f.issued,
  redeemed: (f) => f.redeemed,
  expired_unredeemed: (f) => f.expired_unredeemed,
  'rejected.total': (f) => f.rejected.total,
  'rejected.by_reason': (f) => f.rejected.by_reason,
  'redemption_latency_ms.p50': (f) => f.redemption_latency_ms.p50,
  'redemption_latency_ms.p95': (f) => f.redemption_latency_ms.p95,
} satisfies Record<string, (figures: WindowFiguresDto) => FigureValue>;

type FigureValue = number | null | Record<string, number>;
export type FigurePath = keyof typeof WINDOW_FIGURES;

/** A count, a percentile (— when there is none), or counts by reason ("replay 1, htu_mismatch 2"). */
export function formatFigure(value: FigureValue): string {
  if (value === null) return '—';
  if (typeof value === 'number') return String(value);
  const entries = Object.entries(value);
  return entries.length ? entries.map(([reason, n]) => `${reason} ${n}`).join(', ') : 'none';
}

/** The cell of one model's figure in one window, named by its path for the page script. */
export function figureCell(
  model: string,
  window: string,
  figures: WindowFiguresDto,
  path: FigurePath,
): string {
  const value = formatFigure(WINDOW_FIGURES[path](figures));
  return `<td data-model="${escapeHtml(model)}" data-figure="${window}.${path}">${escapeHtml(value)}</td>`;
}
