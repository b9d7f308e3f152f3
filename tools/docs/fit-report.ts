import { wrapMarkdown } from './wrap-markdown';

/** The width of a docs page's prose lines (test/tooling/line-length.spec.ts holds pages to it). */
export const DOCS_WIDTH = 160;

/**
 * A report a tool writes (docs/BENCHMARKS.md, docs/RELIABILITY.md) fitted to the width of the
 * hand-written pages: a table that would be wider, as prettier aligns it, becomes a list (a row
 * an item: its first cell, then the others, each after its column's heading if it has one), and a line of
 * prose or a list item that is longer is wrapped. Fenced code is left as it is.
 */
export function fitReport(markdown: string, width = DOCS_WIDTH): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let fence: string | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const opening = /^\s*(```|~~~)/.exec(line)?.[1];
    if (opening !== undefined) {
      if (fence === undefined) fence = opening;
      else if (opening === fence) fence = undefined;
      out.push(line);
      continue;
    }
    if (fence === undefined && isTableRow(line)) {
      const table: string[] = [];
      while (index < lines.length && isTableRow(lines[index])) table.push(lines[index++]);
      index--;
      out.push(...fitTable(table, width));
      continue;
    }
    out.push(fence === undefined ? fitLine(line, width) : line);
  }
  return out.join('\n');
}

function isTableRow(line: string): boolean {
  return line.startsWith('|') && line.trimEnd().endsWith('|');
}

/** The cells of a table row, `\|` kept inside its cell. */
function cellsOf(row: string): string[] {
  return row
    .trim()
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** The width prettier gives a table: every column as wide as its widest cell. */
function alignedWidth(rows: string[][]): number {
  const columns = Math.max(...rows.map((row) => row.length));
  let width = 1;
  for (let column = 0; column < columns; column++) {
    width += Math.max(3, ...rows.map((row) => [...(row[column] ?? '')].length)) + 3;
  }
  return width;
}

function fitTable(table: string[], width: number): string[] {
  const [heading, delimiter, ...body] = table.map(cellsOf);
  const isDelimiter = delimiter?.every((cell) => /^:?-+:?$/.test(cell)) === true;
  if (!isDelimiter || alignedWidth([heading, ...body]) <= width) return table;
  return body.flatMap((row) => {
    const [first, ...rest] = row;
    if (heading.length === 2) return wrapMarkdown(`- ${first}: ${rest[0] ?? ''}`, width);
    return [
      ...wrapMarkdown(`- ${first}`, width),
      ...rest.flatMap((cell, column) => {
        if (cell === '') return [];
        const name = heading[column + 1] ?? '';
        const item = name === '' ? `- ${cell}` : `- ${name}: ${cell}`;
        return wrapMarkdown(item, width - 2).map((part) => `  ${part}`);
      }),
    ];
  });
}

/** A line of prose or a list item (nested or not) wrapped to `width`, its indentation kept. */
function fitLine(line: string, width: number): string {
  if ([...line].length <= width || /^\s*(#|<!--|\|)/.test(line)) return line;
  const indent = /^\s*/.exec(line)![0];
  return wrapMarkdown(line.slice(indent.length), width - indent.length)
    .map((part) => indent + part)
    .join('\n');
}
