import { visible } from '../../platform/text/visible';

/** One column of a table: its header and how a row shows in it. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string;
}

/** A plain-text table, columns padded to their widest cell, two spaces apart. */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((column) => oneLine(column.cell(row))));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((row) => row[i].length)),
  );
  const line = (values: readonly string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n') + '\n';
}

/** `label: value` lines, labels aligned. */
export function renderFields(fields: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  return (
    fields.map(([label, value]) => `${`${label}:`.padEnd(width)} ${oneLine(value)}`).join('\n') +
    '\n'
  );
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** UTC, to the second: `2026-01-02 03:04:05Z`; a dash for no date. */
export function formatDate(date: Date | undefined): string {
  if (!date) return '-';
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A value stored by someone else never breaks the table's lines, nor reads otherwise: a control
 * or format character (U+202E) is written out.
 */
function oneLine(value: string): string {
  return visible(value.replace(/[\r\n\t]+/g, ' '));
}
