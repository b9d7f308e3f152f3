import type { LabRow } from '../../src/lab-client/scenarios';

/** Column widths: with two spaces between columns a line is at most 99 characters wide. */
const COLUMNS = [
  { title: 'MODEL', width: 5 },
  { title: 'SCENARIO', width: 27 },
  { title: 'SPEC REQUIRES', width: 26 },
  { title: 'SERVICE ANSWERED', width: 27 },
  { title: 'RESULT', width: 6 },
] as const;
const GAP = '  ';

export function tableHeader(): string {
  const titles = COLUMNS.map((c) => c.title.slice(0, c.width).padEnd(c.width));
  const rules = COLUMNS.map((c) => '-'.repeat(c.width));
  return [titles.join(GAP).trimEnd(), rules.join(GAP)].join('\n');
}

/** One row, its cells word-wrapped to their columns. */
export function tableRow(row: LabRow): string {
  const cells = [
    row.model.toUpperCase(),
    row.scenario,
    row.expected,
    row.answered,
    row.passed ? 'PASS' : 'FAIL',
  ].map((text, i) => wrap(text, COLUMNS[i].width));
  const height = Math.max(...cells.map((lines) => lines.length));
  const lines: string[] = [];
  for (let i = 0; i < height; i++) {
    lines.push(
      cells
        .map((cellLines, c) => (cellLines[i] ?? '').padEnd(COLUMNS[c].width))
        .join(GAP)
        .trimEnd(),
    );
  }
  return lines.join('\n');
}

export function tableSummary(rows: LabRow[]): string {
  const failed = rows.filter((r) => !r.passed).length;
  return failed === 0
    ? `All ${rows.length} scenarios passed.`
    : `${failed} of ${rows.length} scenarios FAILED.`;
}

/** Greedy word wrap; a word longer than the column is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (line) {
        lines.push(line);
        line = '';
      }
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}
