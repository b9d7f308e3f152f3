import { escapeHtml } from '../platform/http/html';
import type { WindowFigure } from '../proofs/proof-descriptor';
import type { ModelFiguresDto, ProtocolShapeDto, WindowFiguresDto } from './challenge-models.dto';

/** A cell of a comparison table: one model's value, as escaped HTML. */
export type Cell<M> = (model: M) => string;

export const text =
  <M>(pick: (model: M) => string): Cell<M> =>
  (model) =>
    escapeHtml(pick(model));
export const list =
  <M>(pick: (model: M) => readonly string[]): Cell<M> =>
  (model) =>
    `<ul>${pick(model)
      .map((item) => `<li>${escapeHtml(item)}</li>`)
      .join('')}</ul>`;
export const codes =
  <M>(pick: (model: M) => readonly string[]): Cell<M> =>
  (model) =>
    pick(model)
      .map((item) => `<code>${escapeHtml(item)}</code>`)
      .join(', ');

/** Settings, one line each: its name, then what it is set to here. */
export const settingLines =
  <M>(pick: (model: M) => Readonly<Record<string, string>>): Cell<M> =>
  (model) =>
    `<ul>${Object.entries(pick(model))
      .map(([name, value]) => `<li><strong>${escapeHtml(name)}</strong>: ${escapeHtml(value)}</li>`)
      .join('')}</ul>`;

/** A row: its heading, its cell, and the field of the protocol's shape it shows, if it is one. */
export type Row<M> = [aspect: string, cell: Cell<M>, field?: keyof ProtocolShapeDto];

/**
 * The rows every comparison opens with, from the protocol's shape as its specs define it;
 * `binding` is the row of what the challenge is bound to (the spec's, or this deployment's).
 */
export function protocolRows<M extends { protocol: ProtocolShapeDto }>(binding: Row<M>): Row<M>[] {
  return [
    ['Protocol', text((m) => m.protocol.name), 'name'],
    ['Standards', text((m) => m.protocol.standard.join(', ')), 'standard'],
    ['The client generates', text((m) => m.protocol.client_generates), 'client_generates'],
    ['Sent up front', text((m) => m.protocol.sent_up_front), 'sent_up_front'],
    ['The server stores', text((m) => m.protocol.server_stores), 'server_stores'],
    binding,
    ['The client proves later', text((m) => m.protocol.client_proves_later), 'client_proves_later'],
    ['The server verifies', text((m) => m.protocol.server_verifies), 'server_verifies'],
    ['Cryptography', text((m) => m.protocol.cryptography), 'cryptography'],
    ['Endpoints', codes((m) => m.protocol.endpoints), 'endpoints'],
  ];
}

/**
 * A table's frame: its caption, the head row's `columns` (the first heads the rows' own headings)
 * and the body's `rows`, trusted HTML as `headedRow` writes them.
 */
function htmlTable(table: {
  className: string;
  id?: string;
  caption: string;
  columns: string[];
  rows: string[];
}): string {
  const id = table.id === undefined ? '' : ` id="${escapeHtml(table.id)}"`;
  const head = table.columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`);
  return `<table class="${escapeHtml(table.className)}"${id}>
<caption>${escapeHtml(table.caption)}</caption>
<thead><tr>${head.join('')}</tr></thead>
<tbody>
${table.rows.join('\n')}
</tbody>
</table>`;
}

/** A body row: its heading, then its cells (trusted HTML). */
function headedRow(heading: string, cells: string[]): string {
  return `<tr><th scope="row">${escapeHtml(heading)}</th>${cells.join('')}</tr>`;
}

/** A side-by-side table: a column per model (headed by `label`), a row per aspect. */
export function comparisonTable<M>(table: {
  className: string;
  caption: string;
  models: M[];
  label: (model: M) => string;
  rows: Row<M>[];
}): string {
  return htmlTable({
    className: table.className,
    caption: table.caption,
    columns: ['Aspect', ...table.models.map(table.label)],
    rows: table.rows.map(([aspect, cell]) =>
      headedRow(
        aspect,
        table.models.map((m) => `<td>${cell(m)}</td>`),
      ),
    ),
  });
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
} satisfies Record<WindowFigure, (figures: WindowFiguresDto) => FigureValue>;

type FigureValue = number | null | Record<string, number>;
export type FigurePath = WindowFigure;

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

/** The windows of a model's figures, as a figures table heads their columns. */
const WINDOWS = [
  ['since_start', 'since start'],
  ['last_5_minutes', 'last 5 min'],
] as const;

/**
 * A live figures table: a column per model and window (headed by `column`), the row of live
 * challenges first where `live` names it, then a row per figure (its name, its path).
 */
export function liveFiguresTable<M extends { id: string; figures: ModelFiguresDto }>(table: {
  className: string;
  id?: string;
  caption: string;
  models: M[];
  column: (model: M, window: string) => string;
  live?: string;
  figures: readonly (readonly [name: string, path: FigurePath])[];
}): string {
  const { models } = table;
  const live =
    table.live === undefined
      ? []
      : [
          headedRow(
            table.live,
            models.map(
              (m) =>
                `<td colspan="${WINDOWS.length}" data-model="${escapeHtml(m.id)}" data-figure="live">${formatFigure(m.figures.live)}</td>`,
            ),
          ),
        ];
  const rows = table.figures.map(([name, path]) =>
    headedRow(
      name,
      models.flatMap((m) => WINDOWS.map(([w]) => figureCell(m.id, w, m.figures[w], path))),
    ),
  );
  return htmlTable({
    className: table.className,
    id: table.id,
    caption: table.caption,
    columns: ['Figure', ...models.flatMap((m) => WINDOWS.map(([, name]) => table.column(m, name)))],
    rows: [...live, ...rows],
  });
}

/**
 * A chart's frame, `data` naming what it draws; /static/challenge-models.js draws the SVG and
 * its text alternative in it.
 */
export function chartFrame(className: string, data: Record<string, string>, title: string): string {
  const attributes = Object.entries(data)
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join('');
  return `<figure class="${className} card"${attributes}>
<figcaption>${escapeHtml(title)}</figcaption>
<div class="plot"></div>
<p class="chart-summary muted">Loading…</p>
</figure>`;
}

/** What a chart shows of a model: its id, short label and colour (from its descriptor). */
interface ChartedProof {
  readonly id: string;
  readonly shortLabel: string;
  readonly comparison: { readonly chartColour: string };
}

/**
 * The charts' key: a swatch per model in its colour (an SVG presentation attribute, which the
 * strict CSP's `style-src 'self'` allows), named by its short label.
 */
export function chartKeys(proofs: readonly ChartedProof[]): string {
  return proofs
    .map(
      ({ id, shortLabel, comparison }) =>
        `<span class="key key-${id}"><svg class="swatch" viewBox="0 0 20 3" aria-hidden="true"><rect width="20" height="3" fill="${escapeHtml(comparison.chartColour)}"/></svg>${escapeHtml(shortLabel)}</span>`,
    )
    .join(' ');
}

/**
 * What the page's script draws each model's lines with, `{ "<id>": { "label", "colour" } }`, for a
 * `data-proofs` attribute: the charts iterate the registry's models, none named in the script.
 */
export function chartPalette(proofs: readonly ChartedProof[]): string {
  return escapeHtml(
    JSON.stringify(
      Object.fromEntries(
        proofs.map(({ id, shortLabel, comparison }) => [
          id,
          { label: shortLabel, colour: comparison.chartColour },
        ]),
      ),
    ),
  );
}
