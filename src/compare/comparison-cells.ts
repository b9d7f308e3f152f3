import { escapeHtml } from '../platform/http/html';

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
